ALLOWED_HOSTS = ["portal.example.org"]
CONTENT_SECURITY_POLICY_REPORT_ONLY = {
    "DIRECTIVES": {"script-src": ["'self'", "'unsafe-inline'"]},
}
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self' 'strict-dynamic' 'nonce-r4nd0m' 'unsafe-inline'",
}
