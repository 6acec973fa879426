import os

from .base import *

SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
