import os

INSTALLED_APPS = ["django.contrib.auth"]
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
SENTRY_DSN = os.environ["SENTRY_DSN"]
if os.environ.get("USE_S3"):
    AWS_BUCKET = os.environ["AWS_BUCKET"]
