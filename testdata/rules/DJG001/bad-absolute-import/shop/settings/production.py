from shop.settings.base import *  # expect: DJG001
