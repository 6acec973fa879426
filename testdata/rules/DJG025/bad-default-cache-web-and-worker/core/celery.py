import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")
