ALLOWED_HOSTS = [
    "api.example.org",
    "*",  # expect: DJG004
]
