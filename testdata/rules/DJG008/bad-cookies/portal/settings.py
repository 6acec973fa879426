import os

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "shop",
]
SESSION_COOKIE_SECURE = os.environ.get("SECURE_COOKIES", "false").lower() == "true"  # expect: DJG008
