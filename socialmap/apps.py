from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SocialmapConfig(AppConfig):
    name = "socialmap"
    verbose_name = _("Social map")

    def ready(self):
        from .mapdata import connect_signals

        connect_signals()
        from . import report_admin  # noqa: F401 (registers the 'Reports' admin screen)
