from .base import *

X_FRAME_OPTIONS = "SAMEORIGIN"  # expect: DJG012
