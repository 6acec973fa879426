from .config import settings


def handler():
    return settings.DATABASE_DSN
