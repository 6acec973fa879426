import os

LOCAL_APPS = [f"apps.{name}" for name in ("a", "b")]
INSTALLED_APPS = ["django.contrib.auth"] + LOCAL_APPS
MIDDLEWARE = []
