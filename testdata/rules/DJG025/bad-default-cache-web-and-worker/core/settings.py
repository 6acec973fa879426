import os  # expect: DJG025

INSTALLED_APPS = ["django.contrib.auth"]
SECRET_KEY = os.environ["SECRET_KEY"]
