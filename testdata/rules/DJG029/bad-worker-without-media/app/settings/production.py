from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
INSTALLED_APPS = ["django.contrib.auth"]
MEDIA_ROOT = BASE_DIR / "media"  # expect: DJG029
