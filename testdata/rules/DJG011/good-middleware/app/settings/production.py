from .base import *

MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")
