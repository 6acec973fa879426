from django.conf import settings


def health(request):
    return {"version": settings.VERSION, "tz": settings.TIME_ZONE, "s": settings.SETTINGS_MODULE}
