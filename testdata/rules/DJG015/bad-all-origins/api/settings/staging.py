import os

ALLOWED_HOSTS = ["api.staging.example.org"]
CORS_ORIGIN_ALLOW_ALL = os.environ.get("CORS_ORIGIN_ALLOW_ALL", False)  # expect: DJG015
CORS_ALLOWED_ORIGIN_REGEXES = [r"^https?://.*$"]  # expect: DJG015
