INSTALLED_APPS = ["django.contrib.auth", "shop"]
MIDDLEWARE = []
VERSION = "1.0"
