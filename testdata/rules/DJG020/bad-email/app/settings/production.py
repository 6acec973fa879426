from .base import *  # expect: DJG020
