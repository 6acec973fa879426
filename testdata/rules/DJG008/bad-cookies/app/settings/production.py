from .base import *  # expect: DJG008

SESSION_COOKIE_HTTPONLY = False  # expect: DJG008
