INSTALLED_APPS = ["django.contrib.auth"]
STORAGES = {"default": {"BACKEND": "storages.backends.s3.S3Storage"}}
MEDIA_ROOT = "/srv/media"
