"""python manage.py export_csv PATH: write every published facility as CSV (docs/csv-format.md)."""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from socialmap.csvio import export_csv
from socialmap.hsds import export_queryset


class Command(BaseCommand):
    help = "Export the published facilities as CSV, one row per facility (UTF-8 with BOM, so spreadsheets read it)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--include-unpublished", action="store_true", help="Also export facilities that are not live.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, path, include_unpublished=False, no_progress=False, **options):
        queryset = export_queryset(include_unpublished=include_unpublished)
        with open(path, "w", encoding="utf-8-sig", newline="") as handle:
            with tqdm(total=queryset.count(), unit="row", disable=no_progress or None, file=self.stderr) as bar:
                count = export_csv(handle, queryset, progress=bar.update)
        self.stdout.write(f"{count} facilities written to {path}")
