from .base import *

SECURE_HSTS_SECONDS = 3600  # expect: DJG007
SECURE_HSTS_PRELOAD = True  # expect: DJG007
