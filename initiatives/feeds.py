"""RSS of funded initiatives (only those whose applicants agreed to publication)."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import services


class FundedInitiativesFeed(Feed):
    title = _("Funded initiatives")
    description = _("Initiatives of residents and organisations that received a budget.")

    def link(self):
        return reverse("initiatives:funded")

    def items(self):
        return services.funded_initiatives()[:50]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return f"{item.public_summary} (EUR {item.granted_amount}, {item.gebied or ''})"

    def item_link(self, item):
        return reverse("initiatives:funded") + f"#initiatief-{item.public_id}"

    def item_pubdate(self, item):
        return item.decided_at
