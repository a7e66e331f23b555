"""python manage.py import_csv PATH [--dry-run] [--skip-invalid]: import facilities from CSV (docs/csv-format.md)."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from socialmap.csvio import import_csv, read_rows


class Command(BaseCommand):
    help = "Import facilities from a CSV file in the layout of docs/csv-format.md. Nothing is saved when a row has errors."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report; save nothing.")
        parser.add_argument("--skip-invalid", action="store_true", help="Save the valid rows and skip those with errors.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, path, dry_run=False, skip_invalid=False, no_progress=False, **options):
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        total = len(read_rows(data)[1])
        with tqdm(total=total if dry_run else 2 * total, unit="row", disable=no_progress or None, file=self.stderr) as bar:
            report = import_csv(data, dry_run=dry_run, skip_invalid=skip_invalid, progress=bar.update)
        for error in report.errors:
            self.stderr.write(str(error))
        self.stdout.write(report.summary())
        if report.errors and not (skip_invalid or dry_run):
            raise CommandError(f"{len(report.errors)} problem(s); nothing was imported.")
