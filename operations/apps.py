from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    """Running Dichtbij in production: health checks, security headers, staff two-factor login, backups, faults."""

    name = "operations"
    verbose_name = _("Operations")
