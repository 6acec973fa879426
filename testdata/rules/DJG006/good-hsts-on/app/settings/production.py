from .base import *

SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
