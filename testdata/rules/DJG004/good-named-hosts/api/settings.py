ALLOWED_HOSTS = [".example.org"]
