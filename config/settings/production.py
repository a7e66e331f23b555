"""Production: everything from the environment; refuses to start without a secret key.

`python manage.py check --deploy` with these settings gives no warnings (tests/production/).
"""

import hashlib
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import BASE_DIR, CONTENT_SECURITY_POLICY, SECRET_KEY, env, env_bool, env_list

# One stamp file per installation and database, so two sites on one machine do not clear each other.
_stamp_id = hashlib.sha256(f"{BASE_DIR}|{env('DATABASE_URL', '')}".encode()).hexdigest()[:12]

if not SECRET_KEY:
    raise ImproperlyConfigured("Set SECRET_KEY in the environment.")

DEBUG = False

# HTTPS everywhere. TLS ends at the load balancer, which says so in X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$"]
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = True
# Staff sessions end after a working day without activity.
SESSION_COOKIE_AGE = int(env("SESSION_COOKIE_AGE", str(60 * 60 * 9)))
USE_X_FORWARDED_HOST = env_bool("USE_X_FORWARDED_HOST", False)
CONTENT_SECURITY_POLICY["DIRECTIVES"]["upgrade-insecure-requests"] = True

# Staff need a second factor in production (set WAGTAIL_REQUIRE_2FA=false only on a closed test machine).
WAGTAIL_REQUIRE_2FA = env_bool("WAGTAIL_REQUIRE_2FA", True)

# Static files: collected at build time, served by whitenoise with hashed names (cached for a year,
# immutable), gzip and brotli copies. Unhashed names (rare) are cached for WHITENOISE_MAX_AGE seconds.
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "static_collected")))
WHITENOISE_MAX_AGE = int(env("WHITENOISE_MAX_AGE", "3600"))
WHITENOISE_KEEP_ONLY_HASHED_FILES = False  # Leaflet finds its marker images by their plain names.

# Media: local disk (MEDIA_ROOT, a shared volume when there are several app servers) or S3-compatible
# object storage when AWS_STORAGE_BUCKET_NAME is set (django-storages; MinIO, Ceph, AWS, any S3 API).
# Files with personal data are never here (PRIVATE_MEDIA_ROOT, see base).
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    # django-storages' S3Storage whose failures surface as StorageUnavailable (a clear error for the uploader).
    DEFAULT_FILE_STORAGE_BACKEND = "operations.storage.S3Storage"
    AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL") or None
    AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME") or None
    AWS_ACCESS_KEY_ID = env("AWS_ACCESS_KEY_ID") or None
    AWS_SECRET_ACCESS_KEY = env("AWS_SECRET_ACCESS_KEY") or None
    AWS_S3_CUSTOM_DOMAIN = env("AWS_S3_CUSTOM_DOMAIN") or None
    AWS_LOCATION = env("AWS_LOCATION", "media")
    AWS_DEFAULT_ACL = None  # the bucket policy decides; public uploads are public documents and images
    AWS_QUERYSTRING_AUTH = env_bool("AWS_QUERYSTRING_AUTH", False)
    AWS_S3_FILE_OVERWRITE = False
    AWS_S3_OBJECT_PARAMETERS = {"CacheControl": "max-age=86400"}
    MEDIA_URL = env("MEDIA_URL", f"https://{AWS_S3_CUSTOM_DOMAIN}/{AWS_LOCATION}/" if AWS_S3_CUSTOM_DOMAIN else "/media/")
else:
    DEFAULT_FILE_STORAGE_BACKEND = "operations.storage.AtomicFileSystemStorage"
STORAGES = {
    "default": {"BACKEND": DEFAULT_FILE_STORAGE_BACKEND},
    "staticfiles": {"BACKEND": "config.storage.DichtbijStaticFilesStorage"},
}
# Images and documents served from object storage must be allowed by the CSP.
_media_origins = env_list("CSP_MEDIA_ORIGINS")
if _media_origins:
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"] += _media_origins
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["media-src"] += _media_origins
    ADMIN_CONTENT_SECURITY_POLICY["img-src"] += _media_origins  # noqa: F405

# Cache: Redis when REDIS_URL/CACHE_URL is set (see base), local memory otherwise. Sessions stay in the
# database so a Redis restart logs nobody out.
# Full-page cache for anonymous visitors (operations/pagecache.py, docs/performance.md).
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE_ENABLED", True)
if not REDIS_URL:  # noqa: F405
    _shm = Path("/dev/shm" if Path("/dev/shm").is_dir() else BASE_DIR)
    # Without Redis the stored pages are files in memory (/dev/shm is tmpfs): one copy for every gunicorn worker
    # on this machine, so a page rendered by one worker is a hit in all of them (with local memory each worker
    # renders and keeps its own copy). Django's FileBasedCache writes a file under a temporary name and renames
    # it, so a worker never reads half a page; the folder is the app user's only (0700). PAGE_CACHE_BACKEND=memory
    # keeps the per-process local memory instead. Several app servers: use Redis (REDIS_URL).
    PAGE_CACHE_BACKEND = env("PAGE_CACHE_BACKEND", "file")
    if PAGE_CACHE_BACKEND == "file":
        CACHES["pages"] = {  # noqa: F405
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": env("PAGE_CACHE_DIR", str(_shm / f"dichtbij-pages-{_stamp_id}")),
            # Pages are 5-20 KB compressed: at most ~60 MB of memory.
            "OPTIONS": {"MAX_ENTRIES": int(env("PAGE_CACHE_MAX_ENTRIES", "3000"))},
        }
    # The generation lives in a stamp file's modification time: one stat per request, and a publish reaches
    # every worker on this machine at once.
    PAGE_CACHE_STAMP_FILE = env("PAGE_CACHE_STAMP_FILE", str(_shm / f"dichtbij-pages-{_stamp_id}.stamp"))

# Logs: one JSON object per line on stdout, for the container platform's log collector.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "timestamp": False,
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.security.DisallowedHost": {"level": "ERROR"},
        "django_tasks": {"level": "WARNING"},
        "axes": {"level": env("AXES_LOG_LEVEL", "WARNING")},
        "wagtail": {"level": env("WAGTAIL_LOG_LEVEL", "WARNING")},
    },
}
