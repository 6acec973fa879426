from .base import *  # expect: DJG017
