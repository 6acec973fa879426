from django_app.conf import CORE_MIDDLEWARE

ALLOWED_HOSTS = ["web.example.org"]
MIDDLEWARE = CORE_MIDDLEWARE + ["django.middleware.common.CommonMiddleware"]
