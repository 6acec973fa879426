import os

INSTALLED_APPS = ["django.contrib.admin"]
MIDDLEWARE = []
DEBUG = os.environ.get("DEBUG", False)
