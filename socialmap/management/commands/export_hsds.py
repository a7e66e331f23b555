"""python manage.py export_hsds PATH: write every published facility as HSDS 3.0 services (a JSON array)."""

import json

from django.core.management.base import BaseCommand
from tqdm import tqdm

from socialmap.hsds import export_queryset, export_services


class Command(BaseCommand):
    help = "Export the published facilities as a JSON array of HSDS 3.0 service objects ('-' writes to stdout)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--include-unpublished", action="store_true", help="Also export facilities that are not live.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, path, include_unpublished=False, no_progress=False, **options):
        queryset = export_queryset(include_unpublished=include_unpublished)
        with tqdm(total=queryset.count(), unit="record", disable=no_progress or None, file=self.stderr) as bar:
            services = export_services(queryset, progress=bar.update)
        text = json.dumps(services, ensure_ascii=False, indent=1)
        if path == "-":
            self.stdout.write(text)
        else:
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
            self.stdout.write(f"{len(services)} facilities written to {path}")
