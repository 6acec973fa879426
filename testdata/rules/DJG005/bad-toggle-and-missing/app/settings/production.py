from .base import *  # expect: DJG005

SECURE_HSTS_SECONDS = 31536000
