from decouple import config

from .base import *

# decouple returns the text unless told to cast: "False" is a non-empty string.
DEBUG = config("DEBUG", default=False)  # expect: DJG001
