import os

from .base import *

ALLOWED_HOSTS = os.environ["DJANGO_ALLOWED_HOSTS"].split(",")
