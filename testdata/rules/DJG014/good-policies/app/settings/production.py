from .base import *

MIDDLEWARE += ["csp.middleware.CSPMiddleware"]
CSP_SCRIPT_SRC = ("'self'", "'unsafe-inline'")
CSP_INCLUDE_NONCE_IN = ["script-src"]
CSP_STYLE_SRC = ("'self'", "'unsafe-inline'")
