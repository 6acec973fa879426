import environ

env = environ.Env()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
