import os
from django.core.exceptions import ImproperlyConfigured

SECRET_KEY = os.environ.get("SECRET_KEY", "insecure-dev-key")
if SECRET_KEY == "insecure-dev-key" and os.environ.get("DJANGO_ENV") == "production":
    raise ImproperlyConfigured("SECRET_KEY must be set in production")
ALLOWED_HOSTS = ["web.example.org"]
