import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

DJANGO_ENV = os.environ.get("DJANGO_ENV", "development")
SECRET_KEY = os.environ.get("SECRET_KEY", "default-insecure-key")
DEBUG = os.environ.get("DEBUG", "False") == "True"
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "localhost").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "core",
    "exams",
    "grading",
    "processing",
    "students",
    "identification",
]

STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_ROOT = BASE_DIR / "media"

AUDIT_LOG_DIR = os.environ.get("AUDIT_LOG_DIR", "/var/log/korrigo")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "audit_file": {
            "class": "logging.handlers.RotatingFileHandler",
            "filename": os.path.join(AUDIT_LOG_DIR, "audit.log"),
            "maxBytes": 10 * 1024 * 1024,
            "backupCount": 5,
        },
    },
    "loggers": {
        "audit": {"handlers": ["audit_file", "console"], "level": "INFO"},
    },
}
