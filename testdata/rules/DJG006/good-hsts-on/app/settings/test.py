from .base import *

SECURE_HSTS_SECONDS = 0
