import os

INSTALLED_APPS = ["django.contrib.auth"]
DEBUG = False
SECRET_KEY = os.environ["SECRET_KEY"]
