from .base import *

DATA_UPLOAD_MAX_MEMORY_SIZE = None
