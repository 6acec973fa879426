from decouple import config

ALLOWED_HOSTS = ["web.example.org"]
SECURE_SSL_REDIRECT = config("SECURE_SSL_REDIRECT", default=False, cast=bool)  # expect: DJG005
