from appconf import AppConf
from django.conf import settings


class ShopConf(AppConf):
    GREETING = "hi"

    class Meta:
        prefix = "shop"


def greeting():
    return settings.SHOP_GREETING
