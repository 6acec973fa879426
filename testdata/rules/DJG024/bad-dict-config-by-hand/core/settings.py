import logging.config

INSTALLED_APPS = ["django.contrib.auth"]
LOGGING_CONFIG = None
LOGGING = {
    "version": 1,
    "handlers": {
        "file": {
            "class": "logging.handlers.WatchedFileHandler",
            "filename": "/var/log/app/app.log",  # expect: DJG024
        },
    },
}
logging.config.dictConfig(LOGGING)
