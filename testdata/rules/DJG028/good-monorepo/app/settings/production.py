import environ

env = environ.Env()
INSTALLED_APPS = ["django.contrib.auth"]
SECRET_KEY = env("DJANGO_SECRET_KEY")
EMAIL_HOST = env("EMAIL_HOST")
