import environ

env = environ.Env()
INSTALLED_APPS = ["django.contrib.contenttypes"]
MIDDLEWARE = []
DATABASES = {"default": env.db("DATABASE_URL")}  # expect: PGB015
