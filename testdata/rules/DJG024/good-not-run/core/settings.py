INSTALLED_APPS = ["django.contrib.auth"]
LOGGING = {
    "version": 1,
    "handlers": {"file": {"class": "logging.FileHandler", "filename": "/var/log/x/app.log"}},
}
