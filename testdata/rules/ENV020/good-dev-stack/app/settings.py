import os

SECRET_KEY = os.environ["SECRET_KEY"]
LOGGING = {"root": {"level": os.environ.get("LOG_LEVEL", "INFO")}}
