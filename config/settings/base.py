"""Settings shared by every environment. Everything that differs per deployment comes from the environment."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = env("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "home",
    "socialmap",
    "initiatives",
    "search",
    "operations",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.search_promotions",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.table_block",
    "wagtail.contrib.typed_table_block",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "leaflet",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    "operations.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "operations.middleware.ContentSecurityPolicyMiddleware",
    "operations.middleware.PermissionsPolicyMiddleware",
    # Full-page cache for anonymous visitors (off unless PAGE_CACHE_ENABLED; on in production). Here, so a
    # hit skips sessions, authentication and Wagtail while the headers above are still added to it.
    "operations.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "home.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "operations.twofactor.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "operations.middleware.StorageErrorMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Axes must come last: it turns a locked-out login attempt into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "site" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# SQLite file by default (embedded, no server); PostgreSQL through psycopg 3 when DATABASE_URL says so.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(env("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and a writer work side by side; the timeout rides out short write locks.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: the facility search's statements are short but costed high at 100,000 facilities, and
    # PostgreSQL then spends seconds compiling them (measured: 7 s of JIT for a 0.3 s query).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Dutch first; the English interface is complete.
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
WAGTAILADMIN_PERMITTED_LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "dichtbij_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static_collected"
STATICFILES_DIRS = [
    BASE_DIR / "site" / "static",
    ("vendor", BASE_DIR / "node_modules"),
]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
# Uploads (images, documents) are written atomically and fail with a clear StorageUnavailable (operations/storage.py).
STORAGES = {
    "default": {"BACKEND": "operations.storage.AtomicFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
# Files with personal data (application attachments) never live under MEDIA_ROOT.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private_media")))

# Cache: Redis when REDIS_URL (or CACHE_URL) names one, local memory per process otherwise. The "pages"
# alias holds the full-page cache (operations.pagecache) under its own prefix and limits.
REDIS_URL = env("REDIS_URL") or env("CACHE_URL") or ""
if REDIS_URL:
    # Short socket timeouts: a Redis that hangs must make pages slower, not unavailable.
    _redis_options = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL},
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "dichtbij-pages",
            "OPTIONS": _redis_options,
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        # A page is 20-60 KB: at most ~60 MB per worker process.
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "dichtbij-pages",
            "OPTIONS": {"MAX_ENTRIES": 1000},
        },
    }

# Full-page cache for anonymous visitors (operations/pagecache.py). Off here, on in production.
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE_ENABLED", False)
PAGE_CACHE_ALIAS = "pages"
# Safety net for changes that send no signal; content changes clear the cache at once.
PAGE_CACHE_SECONDS = int(env("PAGE_CACHE_SECONDS", "300"))
# URLs with a query string (search results, social-map filters, pagination): shorter, there are many.
PAGE_CACHE_QUERY_SECONDS = int(env("PAGE_CACHE_QUERY_SECONDS", "60"))
PAGE_CACHE_MAX_QUERY_LENGTH = 300
# Never from the cache, whatever the response says: staff, accounts, applications and their files, links
# with a secret token, the language switch, the health probe.
PAGE_CACHE_EXCLUDED_PATHS = [
    "/admin/",
    "/documents/",
    "/account/",
    "/aanvragen/",
    "/bijlagen/",
    "/voorziening-controleren/",
    "/i18n/",
    "/taal/",
    "/healthz",
]
# Saved by the public (sign-ups) and shown on no public page: their saves do not clear the page cache.
PAGE_CACHE_IGNORED_MODELS = ["home.NewsletterSubscriber"]
# Local memory is per process: workers share the generation through this file's modification time.
# Unset (None) when the cache is shared (Redis), which keeps the generation itself.
PAGE_CACHE_STAMP_FILE = None

# Email: console in development; SMTP settings from the environment in production.
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Dichtbij <noreply@dichtbij.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Staff inbox for contact forms and reports when a page names none.
STAFF_EMAIL = env("STAFF_EMAIL", "redactie@dichtbij.example")

# Wagtail
WAGTAIL_SITE_NAME = env("SITE_NAME", "Dichtbij")
WAGTAILADMIN_BASE_URL = env("BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILEMBEDS_RESPONSIVE_HTML = True
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_MODERATION_ENABLED = True

# Search: Wagtail's database backend picks SQLite FTS5 or PostgreSQL full text by the database in use.
# Elasticsearch takes over when ELASTICSEARCH_URL is set.
ELASTICSEARCH_URL = env("ELASTICSEARCH_URL", "")
ELASTICSEARCH_INDEX_PREFIX = env("ELASTICSEARCH_INDEX_PREFIX", "dichtbij")
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "wagtail.search.backends.database",
        "SEARCH_CONFIG": "dutch",
    }
}
if ELASTICSEARCH_URL:
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            # Wagtail's Elasticsearch 8 backend, skipping index updates while the engine is down (search.breaker).
            "BACKEND": "search.engine_backend",
            "URLS": [ELASTICSEARCH_URL],
            "INDEX": f"{ELASTICSEARCH_INDEX_PREFIX}_wagtail",
            "TIMEOUT": 5,
            # No retries: when the search engine is down the page search falls back to the database at once
            # (search.sitesearch) instead of trying again and again while the visitor waits.
            "OPTIONS": {"max_retries": 0, "retry_on_timeout": False},
            "INDEX_SETTINGS": {},
        }
    }
# After a failure of the search engine, searches and index updates use the database alone this long.
SEARCH_ENGINE_RETRY_SECONDS = int(env("SEARCH_ENGINE_RETRY_SECONDS", "30"))

# Map tiles: PDOK's BRT-Achtergrondkaart by default; any XYZ tile service can be configured.
MAP_TILES_URL = env(
    "MAP_TILES_URL",
    "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:3857/{z}/{x}/{y}.png",
)
MAP_ATTRIBUTION = env(
    "MAP_ATTRIBUTION", 'Kaartgegevens &copy; <a href="https://www.kadaster.nl">Kadaster</a>'
)
LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (52.785, 6.897),
    "DEFAULT_ZOOM": 12,
    "MIN_ZOOM": 7,
    "MAX_ZOOM": 19,
    "TILES": [("BRT-Achtergrondkaart", MAP_TILES_URL, {"attribution": MAP_ATTRIBUTION})],
    "RESET_VIEW": False,
    "NO_GLOBALS": True,
}
# PDOK Locatieserver for address-to-coordinates lookups.
PDOK_LOCATIESERVER_URL = env("PDOK_LOCATIESERVER_URL", "https://api.pdok.nl/bzk/locatieserver/search/v3_1")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Background-task and page-action chatter; the audit trail itself lives in Wagtail's log tables.
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": env("WAGTAIL_LOG_LEVEL", "WARNING")},
    },
}

# Background tasks (django-tasks, installed with Wagtail): newsletter sending. The immediate backend runs a
# task at once in the same process (development, tests); production may name another backend.
TASKS = {"default": {"BACKEND": env("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")}}

# ---------------------------------------------------------------------------------------------------------
# Security: Content-Security-Policy, Permissions-Policy, brute-force protection, two-factor authentication.
# Enabled in every environment so development and the tests catch violations early.
# ---------------------------------------------------------------------------------------------------------


def _origin(url):
    """'https://service.pdok.nl' from a (tile template) URL; '{s}.' subdomain templates become '*.'."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.replace("{s}.", "x-subdomain."))
    if not (parts.scheme and parts.netloc):
        return None
    return f"{parts.scheme}://{parts.netloc}".replace("x-subdomain.", "*.")


CSP_MAP_TILE_ORIGINS = [o for o in [_origin(MAP_TILES_URL)] if o]
CSP_CONNECT_ORIGINS = [o for o in [_origin(PDOK_LOCATIESERVER_URL)] if o] + env_list("CSP_CONNECT_SRC")
# Video embeds (the content page's video block) load in iframes from these hosts.
CSP_FRAME_ORIGINS = env_list(
    "CSP_FRAME_SRC", "https://www.youtube-nocookie.com,https://www.youtube.com,https://player.vimeo.com"
)
# The public site: no inline script or style at all. Data goes to scripts through data-* and json_script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *CSP_MAP_TILE_ORIGINS, *env_list("CSP_IMG_SRC")],
        "font-src": ["'self'"],
        "connect-src": ["'self'", *CSP_CONNECT_ORIGINS],
        "frame-src": CSP_FRAME_ORIGINS or ["'none'"],
        "media-src": ["'self'"],
        "manifest-src": ["'self'"],
        "worker-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "report-uri": env("CSP_REPORT_URI") or None,
    }
}
# The Wagtail admin still needs inline scripts and styles in places (Wagtail 8 renders inline <script>
# blocks in the inline panel, multiple-chooser panel, date/time widgets and search promotions; django-leaflet's
# map widget is an inline script; several editor components set style attributes), and its page preview is
# an iframe of the admin itself. Only staff reach these paths, behind login and two-factor authentication;
# operations.middleware.ContentSecurityPolicyMiddleware swaps in this policy for them.
ADMIN_CSP_PATH_PREFIXES = ["/admin/"]
ADMIN_CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:", *CSP_MAP_TILE_ORIGINS, *env_list("CSP_IMG_SRC")],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'", *CSP_CONNECT_ORIGINS],
    "frame-src": ["'self'", *CSP_FRAME_ORIGINS],
    "media-src": ["'self'", "blob:"],
    "worker-src": ["'self'", "blob:"],
    "object-src": ["'none'"],
    "frame-ancestors": ["'self'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
}
# Browser features: only geolocation, and only for our own pages (the social map's 'near me').
PERMISSIONS_POLICY = {
    "geolocation": ["self"],
    "camera": [],
    "microphone": [],
    "payment": [],
    "usb": [],
    "serial": [],
    "bluetooth": [],
    "midi": [],
    "magnetometer": [],
    "gyroscope": [],
    "accelerometer": [],
    "display-capture": [],
    "browsing-topics": [],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No avatars fetched from gravatar.com: it would tell a third party who works in the admin.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Brute-force protection (django-axes): lock out a username from one IP address after repeated failures.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(env("AXES_COOLOFF_MINUTES", "15")) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "operations.views.lockout"
AXES_SENSITIVE_PARAMETERS = ["password", "otp_token"]
# Behind a load balancer: how many proxies append to X-Forwarded-For (0 = use REMOTE_ADDR).
AXES_IPWARE_PROXY_COUNT = int(env("AXES_PROXY_COUNT", "0")) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]

# Two-factor authentication (TOTP, django-otp) for everyone who reaches the Wagtail admin.
WAGTAIL_REQUIRE_2FA = env_bool("WAGTAIL_REQUIRE_2FA", False)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", WAGTAIL_SITE_NAME)
