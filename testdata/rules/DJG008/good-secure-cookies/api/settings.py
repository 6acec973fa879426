ALLOWED_HOSTS = ["api.example.org"]
INSTALLED_APPS = ["django.contrib.auth", "rest_framework"]
MIDDLEWARE = ["django.middleware.security.SecurityMiddleware"]
