ALLOWED_HOSTS = ["site.example.org"]
SECURE_HSTS_SECONDS = 31536000  # expect: DJG007
