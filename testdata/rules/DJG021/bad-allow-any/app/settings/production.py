from .base import *  # expect: DJG021
