import os

SECRET_KEY = os.environ["SECRET_KEY"]
SESSION_ENGINE = "django.contrib.sessions.backends.db"
