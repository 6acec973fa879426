import os

DJANGO_ENV = os.environ.get("DJANGO_ENV", "development")
if DJANGO_ENV == "production":
    DEBUG = False
else:
    DEBUG = True
ALLOWED_HOSTS = ["web.example.org"]
