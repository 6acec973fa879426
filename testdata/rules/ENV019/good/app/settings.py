import os
import environ

env = environ.Env()
DEBUG = env.bool("DEBUG", default=False)
SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "True").lower() in ("1", "true")
SESSION_COOKIE_SECURE = os.getenv("SESSION_COOKIE_SECURE", "True") == "True"
WORKERS = int(os.environ.get("WORKERS", "4"))
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
