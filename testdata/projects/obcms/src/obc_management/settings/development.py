from .base import *  # noqa: F401,F403

DEBUG = True
SECRET_KEY = "django-insecure-development-only"
ALLOWED_HOSTS = ["*"]
