from django.core.management.base import BaseCommand, CommandError

from operations.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Back up the database and all uploaded files (public media and private attachments) into one "
        ".tar.gz with a manifest and SHA-256 checksums. Restore with `manage.py restore PATH`."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="where to write the backup, e.g. /backups/dichtbij-2026-05-01.tar.gz")

    def handle(self, *args, **options):
        try:
            create_backup(options["path"], stdout=self.stdout)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
