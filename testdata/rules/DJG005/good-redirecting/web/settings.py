import os

DEBUG = os.environ.get("DEBUG", "0") == "1"
ALLOWED_HOSTS = ["web.example.org"]
if not DEBUG:
    SECURE_SSL_REDIRECT = True
