from .base import *

USE_X_FORWARDED_HOST = True
SECURE_SSL_REDIRECT = True  # expect: DJG010
