INSTALLED_APPS = ["django.contrib.contenttypes"]
MIDDLEWARE = []
DATABASES = {
    "default": {  # expect: PGB015
        "ENGINE": "django.db.backends.postgresql",
        "HOST": "pgbouncer",
        "PORT": 6432,
        "NAME": "shop",
    }
}
