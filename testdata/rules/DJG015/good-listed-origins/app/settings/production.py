from .base import *

CORS_ALLOWED_ORIGINS = ["https://app.example.org"]
CORS_ALLOWED_ORIGIN_REGEXES = [r"^https://\w+\.example\.org$"]
