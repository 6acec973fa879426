DEBUG = False
ALLOWED_HOSTS = ["shop.example.org"]
