from django.conf import settings


def home(request):
    return settings.DEFINED_IN_LOCAL_SETTINGS
