from decouple import config

ALLOWED_HOSTS = ["web.example.org"]
EMAIL_HOST = config("EMAIL_HOST", default="smtp.example.com")  # expect: DJG020
