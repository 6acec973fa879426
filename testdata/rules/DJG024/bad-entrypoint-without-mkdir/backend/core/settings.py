import os

INSTALLED_APPS = ["django.contrib.auth"]
LOG_DIR = os.environ.get("LOG_DIR", "/var/log/shop")
LOGGING = {
    "version": 1,
    "handlers": {
        "file": {"class": "logging.FileHandler", "filename": os.path.join(LOG_DIR, "a.log")},  # expect: DJG024
    },
}
