INSTALLED_APPS = ["django.contrib.auth"]
MIDDLEWARE = []

try:
    from .local_settings import *  # noqa: F401,F403
except ImportError:
    pass
