INSTALLED_APPS = ["django.contrib.auth"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
}
MEDIA_ROOT = "/data/media"  # expect: DJG029
