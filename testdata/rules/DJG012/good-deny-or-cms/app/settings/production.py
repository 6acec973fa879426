from .base import *

X_FRAME_OPTIONS = "DENY"
