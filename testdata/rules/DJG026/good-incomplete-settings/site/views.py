from django.conf import settings


def home(request):
    return settings.FROM_SITE_DEFAULTS
