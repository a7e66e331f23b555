"""Production settings on the loopback interface over plain HTTP, for bench/load.py only.

Everything that decides throughput is production's: DEBUG off, cached templates, the full-page cache
(local memory with the stamp file, or Redis when REDIS_URL is set), whitenoise, the security, CSP and
two-factor middleware, JSON logging. What differs, and why:
- no TLS here: no HTTPS redirect, HSTS or Secure-only cookies (the load generator talks http://127.0.0.1);
- the bench's accounts are hashed with MD5 so that preparing a few hundred applicants takes seconds
  (each applicant logs in once; password hashing is not what this bench measures);
- static files are not collected: the load generator requests pages, not assets (which whitenoise serves
  with a year's cache lifetime from hashed names in production), so {% static %} builds plain URLs.
"""

import os

os.environ.setdefault("SECRET_KEY", "bench-only-insecure-key")

from .production import *  # noqa: E402,F401,F403
from .production import CONTENT_SECURITY_POLICY, STORAGES  # noqa: E402

SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
CONTENT_SECURITY_POLICY["DIRECTIVES"].pop("upgrade-insecure-requests", None)
WAGTAIL_REQUIRE_2FA = False
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
# Receipts are composed and sent through the backend, which throws them away instead of printing them.
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
