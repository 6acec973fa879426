DEBUG = False
ALLOWED_HOSTS = ["shop.example.org"]
SECRET_KEY = os.environ["SECRET_KEY"]
INSTALLED_APPS = [
    "django.contrib.admin",
    "shop" "orders",
    "payments" = 3  # expect: SHL001
]
