from .base import *

CSRF_COOKIE_SECURE = True
