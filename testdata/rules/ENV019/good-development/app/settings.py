import os

DEBUG = os.environ.get("DEBUG", False)
