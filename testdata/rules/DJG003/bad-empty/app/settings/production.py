from .base import *  # expect: DJG003
