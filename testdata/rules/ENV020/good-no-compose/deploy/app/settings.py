import os

LOGGING = {"root": {"level": os.environ.get("LOG_LEVEL", "INFO")}}
