from .base import *  # expect: DJG002

SECRET_KEY_FALLBACKS = ["old-key-from-2023-please-rotate-me"]  # expect: DJG002
