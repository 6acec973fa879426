import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
INSTALLED_APPS = ["django.contrib.auth"]
LOG_DIR = os.environ.get("LOG_DIR", "/var/log/shop")
EXTRA_DIR = os.environ.get("EXTRA_DIR", "/opt/missing")
os.makedirs("/var/log/made", exist_ok=True)
LOGGING = {
    "version": 1,
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "image": {"class": "logging.FileHandler", "filename": "/var/log/built/app.log"},
        "mounted": {"class": "logging.FileHandler", "filename": os.path.join(LOG_DIR, "a.log")},
        "overridden": {"class": "logging.FileHandler", "filename": os.path.join(EXTRA_DIR, "b.log")},
        "made": {"class": "logging.FileHandler", "filename": "/var/log/made/c.log"},
        "in_repo": {"class": "logging.FileHandler", "filename": BASE_DIR / "logs" / "d.log"},
        "workdir": {"class": "logging.FileHandler", "filename": "/app/e.log"},
    },
}
