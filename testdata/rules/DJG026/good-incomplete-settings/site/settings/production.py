from site_defaults import *

INSTALLED_APPS = ["django.contrib.auth"]
MIDDLEWARE = []
