import os

from .base import *

DEBUG = os.environ.get("DEBUG", "False").lower() in ("1", "true")
