from .base import *

SECURE_CONTENT_TYPE_NOSNIFF = False  # expect: DJG013
SECURE_REFERRER_POLICY = "no-referer"  # expect: DJG013
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-site"  # expect: DJG013
