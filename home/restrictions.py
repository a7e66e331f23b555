"""Page view restrictions in fewer queries than Wagtail's defaults (issue 2: at most 10 queries per page).

Wagtail's Page.get_view_restrictions() runs two queries on every page view (the ancestors, then their
restrictions) and every PageQuerySet.public() runs one. The ancestors' paths follow from a page's own
materialised path (treebeard), so one query is enough for a page, and listings on one page can share one.
"""

from wagtail.models import Page, PageViewRestriction


def ancestor_paths(page, inclusive=True):
    """Materialised paths of the page's ancestors (root first), and its own when inclusive: no query."""
    step = page.steplen
    last = len(page.path) if inclusive else len(page.path) - step
    return [page.path[:end] for end in range(step, last + 1, step)]


def view_restrictions_for(page):
    """The view restrictions that apply to the page, as a lazy queryset that costs one query.

    Like Wagtail's, an alias (or an alias ancestor) is checked against its source page: Wagtail points an
    alias of an alias at the original, so one level is enough."""
    on_path = Page.objects.filter(path__in=ancestor_paths(page))
    return PageViewRestriction.objects.filter(page_id__in=on_path.filter(alias_of__isnull=True).values("pk")) | (
        PageViewRestriction.objects.filter(page_id__in=on_path.filter(alias_of__isnull=False).values("alias_of_id"))
    )


class OneQueryViewRestrictionsMixin:
    """For page models: Wagtail's serve-time restriction check in one query instead of two."""

    def get_view_restrictions(self):
        return view_restrictions_for(self)


def public_pages_q():
    """A Q object leaving out restricted pages, to share one restrictions query between several listings."""
    return ~Page.objects.all().private_q()
