import environ

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=True)  # expect: DJG001
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "shop",
]
