import os

from .base import *

CORS_ALLOW_ALL_ORIGINS = os.environ.get("CORS_ALLOW_ALL", "True") == "True"  # expect: DJG015
CORS_ALLOW_CREDENTIALS = True
