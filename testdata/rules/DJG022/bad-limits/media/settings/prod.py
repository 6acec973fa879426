ALLOWED_HOSTS = ["media.example.org"]
DATA_UPLOAD_MAX_NUMBER_FIELDS = None  # expect: DJG022
