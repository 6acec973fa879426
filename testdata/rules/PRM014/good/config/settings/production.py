from .base import *  # noqa: F403

DEBUG = False
INSTALLED_APPS += ["django_prometheus"]  # noqa: F405
