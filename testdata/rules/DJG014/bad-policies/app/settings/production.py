from .base import *

MIDDLEWARE += ["csp.middleware.CSPMiddleware"]
CSP_DEFAULT_SRC = ("'self'",)
CSP_SCRIPT_SRC = (
    "'self'",
    "'unsafe-inline'",  # expect: DJG014
    "https://cdn.example.net",
)
CSP_STYLE_SRC = ("'self'", "'unsafe-inline'")
