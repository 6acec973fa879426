from .base import *  # expect: DJG009
