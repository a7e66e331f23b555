from django.core.management.base import BaseCommand, CommandError

from operations.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore the database and uploaded files from a backup made by `manage.py backup`. Checks every "
        "checksum first. Refuses a database that already has content unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the .tar.gz written by `manage.py backup`")
        parser.add_argument(
            "--force", action="store_true", help="replace everything in a database that already has content"
        )

    def handle(self, *args, **options):
        try:
            restore_backup(options["path"], force=options["force"], stdout=self.stdout)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
