ALLOWED_HOSTS = ["web.example.org"]
SECURE_SSL_REDIRECT = True
