from .base import *

CORS_ALLOW_ALL_ORIGINS = True
