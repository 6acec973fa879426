import os

INSTALLED_APPS = ["django.contrib.auth"]
MIDDLEWARE = []
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
    },
}
