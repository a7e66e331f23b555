from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = _("Pages")

    def ready(self):
        # Less work on every page view: a cheaper query for Wagtail's site lookup (home/sites.py), and page
        # objects loaded from the database without modelcluster's per-object field walk (home/modelcluster_init.py).
        from . import modelcluster_init, sites

        sites.install()
        modelcluster_init.install()
