import environ

from .base import *

env = environ.Env()
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])  # expect: DJG016
