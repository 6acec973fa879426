import sentry_sdk

from .base import *

sentry_sdk.init(dsn=os.environ["SENTRY_DSN"])
