ALLOWED_HOSTS = ["api.example.org"]
MIDDLEWARE = [  # expect: DJG011
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]
