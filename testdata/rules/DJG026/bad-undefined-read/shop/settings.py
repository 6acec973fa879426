INSTALLED_APPS = ["django.contrib.auth", "shop"]
MIDDLEWARE = []
SITE_NAME = "shop"
