"""python manage.py purge_event_registrations: delete sign-ups three months after their event (run daily)."""

from django.core.management.base import BaseCommand

from home.events import purge_old_registrations


class Command(BaseCommand):
    help = "Delete event registrations (names and email addresses) three months after the event."

    def add_arguments(self, parser):
        parser.add_argument("--months", type=int, default=3)

    def handle(self, *args, months=3, **options):
        deleted = purge_old_registrations(months=months)
        self.stdout.write(f"{deleted} registrations deleted")
