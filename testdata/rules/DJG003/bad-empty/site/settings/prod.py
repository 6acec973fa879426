ALLOWED_HOSTS = []  # expect: DJG003
DEBUG = False
