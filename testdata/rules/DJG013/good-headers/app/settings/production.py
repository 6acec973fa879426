from .base import *

SECURE_REFERRER_POLICY = ["same-origin", "strict-origin-when-cross-origin"]
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin-allow-popups"
