"""python manage.py import_hsds PATH [--dry-run] [--skip-invalid]: import HSDS 3.0 services (a JSON array)."""

import json

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from socialmap.hsds import import_services, load_file


class Command(BaseCommand):
    help = "Import a JSON array of HSDS 3.0 service objects. Nothing is saved when a record has errors, unless --skip-invalid."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report; save nothing.")
        parser.add_argument("--skip-invalid", action="store_true", help="Save the valid records and skip those with errors.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, path, dry_run=False, skip_invalid=False, no_progress=False, **options):
        try:
            records = load_file(path)
        except (OSError, json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        total = len(records) if isinstance(records, list) else 0
        with tqdm(total=total if dry_run else 2 * total, unit="record", disable=no_progress or None, file=self.stderr) as bar:
            report = import_services(records, dry_run=dry_run, skip_invalid=skip_invalid, progress=bar.update)
        for error in report.errors:
            self.stderr.write(str(error))
        self.stdout.write(report.summary())
        if report.errors and not (skip_invalid or dry_run):
            raise CommandError(f"{len(report.invalid_indexes)} record(s) with errors; nothing was imported.")
