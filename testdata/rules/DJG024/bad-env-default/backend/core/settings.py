import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
INSTALLED_APPS = ["django.contrib.auth"]
LOG_DIR = os.environ.get("LOG_DIR", "/var/log/shop")
LOGGING = {
    "version": 1,
    "handlers": {
        "file": {
            "class": "logging.handlers.TimedRotatingFileHandler",
            "filename": os.path.join(LOG_DIR, "app.log"),  # expect: DJG024
        },
    },
}
