"""python manage.py purge_personal_data: remove or anonymise personal data after each scheme's retention period."""

from django.core.management.base import BaseCommand

from initiatives.privacy import purge_personal_data


class Command(BaseCommand):
    help = "Delete old drafts and anonymise finished applications whose retention period has passed."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only count what would be removed.")

    def handle(self, *args, dry_run=False, **options):
        result = purge_personal_data(dry_run=dry_run)
        prefix = "Would remove" if dry_run else "Removed"
        self.stdout.write(f"{prefix}: {result['deleted']} drafts deleted, {result['anonymised']} applications anonymised.")
