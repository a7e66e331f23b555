from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    """Running Dichtbij in production: health checks, security headers, staff two-factor login, backups, faults."""

    name = "operations"
    verbose_name = _("Operations")

    def ready(self):
        from . import pagecache

        # Content changes clear the full-page cache (a no-op while PAGE_CACHE_ENABLED is off).
        pagecache.connect_signals()
