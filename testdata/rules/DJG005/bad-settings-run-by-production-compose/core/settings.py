import os

INSTALLED_APPS = ["django.contrib.auth"]
ALLOWED_HOSTS = ["shop.example.org"]
SECURE_SSL_REDIRECT = os.environ.get("SSL_REDIRECT", "0") == "1"  # expect: DJG005
