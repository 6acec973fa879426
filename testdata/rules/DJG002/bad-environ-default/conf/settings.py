import environ

env = environ.Env()
SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-secret")  # expect: DJG002
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
