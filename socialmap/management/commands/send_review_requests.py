"""python manage.py send_review_requests: ask the contacts of facilities due for their check to confirm
or correct the entry (run daily; see docs/review-requests.md)."""

from django.core.management.base import BaseCommand

from socialmap.review import send_review_requests


class Command(BaseCommand):
    help = "Mail the contact of every facility due for its periodic check a link to confirm or correct it."

    def handle(self, *args, **options):
        result = send_review_requests()
        self.stdout.write(
            f"{len(result.sent)} request(s) sent, {len(result.skipped_recently_asked)} asked recently, "
            f"{len(result.skipped_no_email)} without an e-mail address."
        )
        for facility in result.skipped_no_email:
            self.stdout.write(f"  no e-mail address: {facility.name} ({facility.pk})")
