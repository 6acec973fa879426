from django.conf import settings


def health(request):
    return {"version": settings.VERSION, "debug": settings.DEBUG, "site": settings.SITE_NAME}  # expect: DJG026


def banner(request):
    return getattr(settings, "BANNER_TEXT", "")  # expect: DJG026
