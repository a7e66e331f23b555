"""python manage.py clear_page_cache: forget every page in the full-page cache.

Content changes made through the admin or model saves clear it by themselves; run this after changes that send
no signal (bulk updates, SQL, a restore from backup), or wait PAGE_CACHE_SECONDS.
"""

from django.core.management.base import BaseCommand

from operations import pagecache


class Command(BaseCommand):
    help = "Forget every page in the full-page cache (after bulk changes that send no signal)."

    def handle(self, *args, **options):
        pagecache.invalidate()
        self.stdout.write("Page cache cleared.")
