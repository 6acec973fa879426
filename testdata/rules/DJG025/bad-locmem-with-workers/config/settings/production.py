INSTALLED_APPS = ["django.contrib.auth"]
MIDDLEWARE = []
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},  # expect: DJG025
}
