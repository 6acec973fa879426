from .base import *  # expect: DJG006

SECURE_SSL_REDIRECT = True
