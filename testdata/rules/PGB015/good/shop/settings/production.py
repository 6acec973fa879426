import environ

env = environ.Env()
INSTALLED_APPS = ["django.contrib.contenttypes"]
MIDDLEWARE = []
DATABASES = {
    "default": env.db("DATABASE_URL"),
    "shop": {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": "pgbouncer",
        "NAME": "shop",
        "DISABLE_SERVER_SIDE_CURSORS": True,
    },
    "direct": {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": "db",
        "NAME": "shop",
    },
}
