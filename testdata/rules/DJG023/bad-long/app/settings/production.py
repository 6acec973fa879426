from .base import *

SESSION_COOKIE_AGE = 60 * 60 * 24 * 90  # expect: DJG023
