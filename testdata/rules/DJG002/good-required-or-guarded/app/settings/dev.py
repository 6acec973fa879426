from .base import *

SECRET_KEY = "dev"
