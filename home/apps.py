from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = _("Pages")

    def ready(self):
        # A cheaper query for Wagtail's per-request site lookup (home/sites.py).
        from .sites import install

        install()
