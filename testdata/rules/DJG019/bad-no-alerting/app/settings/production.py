from .base import *  # expect: DJG019
