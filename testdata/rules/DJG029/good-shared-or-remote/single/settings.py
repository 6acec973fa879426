INSTALLED_APPS = ["django.contrib.auth"]
MEDIA_ROOT = "/srv/media"
