from .production import *  # noqa: F403

ALLOWED_HOSTS = ["staging.example.org"]
