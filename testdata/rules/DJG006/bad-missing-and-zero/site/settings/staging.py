import environ

env = environ.Env()
ALLOWED_HOSTS = ["staging.example.org"]
SECURE_HSTS_SECONDS = env.int("HSTS_SECONDS", default=0)  # expect: DJG006
