from django.core.management.base import BaseCommand
from tqdm import tqdm

from search.backends import get_facility_backend
from search.indexing import reindex_all


class Command(BaseCommand):
    help = "Rebuild the facility search index (search documents, vocabulary, full-text index; Elasticsearch when configured)."

    def handle(self, *args, **options):
        def progress(iterable, total):
            return tqdm(iterable, total=total, unit="voorziening", file=self.stderr, disable=options["verbosity"] == 0)

        count = reindex_all(progress=progress)
        backend = get_facility_backend()
        if hasattr(backend, "reindex"):
            backend.reindex(progress=progress)
        self.stdout.write(f"{count} facilities indexed.")
