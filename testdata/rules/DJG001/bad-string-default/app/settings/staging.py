import os

from .base import *

DEBUG = bool(os.environ.get("DEBUG", "False"))  # expect: DJG001
