from .base import *  # expect: DJG011
