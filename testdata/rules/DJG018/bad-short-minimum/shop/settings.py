AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},  # expect: DJG018
    },
]
ALLOWED_HOSTS = ["shop.example.org"]
