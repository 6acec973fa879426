import os

DEBUG = os.environ.get("DEBUG", False)
SESSION_COOKIE_SECURE = os.getenv("SESSION_COOKIE_SECURE", "True")
WORKERS = int(os.environ.get("WORKERS", "4"))
SENTRY_DSN = os.environ.get("SENTRY_DSN")

if os.environ.get("USE_S3"):
    DEFAULT_FILE_STORAGE = "storages.backends.s3boto3.S3Boto3Storage"
