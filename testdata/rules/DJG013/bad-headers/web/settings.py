ALLOWED_HOSTS = ["web.example.org"]
SECURE_REFERRER_POLICY = None  # expect: DJG013
