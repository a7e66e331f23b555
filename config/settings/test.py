"""Test settings: fast hashing, mails kept in memory, files in a temporary folder."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F401,F403
from .base import env

SECRET_KEY = "test-only-key"
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
_tmp = Path(tempfile.mkdtemp(prefix="dichtbij-test-"))
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(_tmp / "media")))
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", str(_tmp / "private")))
WAGTAILADMIN_BASE_URL = "http://testserver"
# django-axes needs the request in authenticate(); Client.login() has none. The brute-force tests switch it on.
AXES_ENABLED = False
