"""python manage.py load_demo: demo content for gemeente Emmen. Idempotent: a second run changes nothing.

Every app with a `demo` module and a `load(home, stdout)` (or, for home, `load(stdout)`) contributes its own part.
"""

import importlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

DEMO_APPS = ["socialmap", "socialmap.demo_pages", "initiatives", "search"]
ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "Dichtbij-demo-2026"


class Command(BaseCommand):
    help = "Load the Emmen demo content (pages, social map, schemes, community). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--admin",
            action="store_true",
            help="Also create the demo admin account (always done when DEBUG is on).",
        )

    def handle(self, *args, admin=False, **options):
        from home import demo as home_demo

        home = home_demo.load(stdout=self.stdout)
        for label in DEMO_APPS:
            module_name = label if "." in label else f"{label}.demo"
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as exc:
                if exc.name != module_name:
                    raise
                continue
            module.load(home, stdout=self.stdout)
        if hasattr(home_demo, "load_community"):
            home_demo.load_community(home, stdout=self.stdout)

        if settings.DEBUG or admin:
            self.create_admin()
        self.stdout.write(self.style.SUCCESS("Demo content is ready."))

    def create_admin(self):
        User = get_user_model()
        if User.objects.filter(username=ADMIN_USERNAME).exists():
            return
        User.objects.create_superuser(ADMIN_USERNAME, "admin@dichtbij.example", ADMIN_PASSWORD)
        self.stdout.write(f"Admin account: {ADMIN_USERNAME} / {ADMIN_PASSWORD} (demo only; change it)")
