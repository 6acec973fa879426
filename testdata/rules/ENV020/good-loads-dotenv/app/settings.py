import os
from dotenv import load_dotenv

load_dotenv()
LOGGING = {"root": {"level": os.environ.get("LOG_LEVEL", "INFO")}}
