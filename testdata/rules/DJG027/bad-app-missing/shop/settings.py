INSTALLED_APPS = [
    "django.contrib.auth",
    "orders",
    "apps.billing.apps.BillingConfig",
]
MIDDLEWARE = []
