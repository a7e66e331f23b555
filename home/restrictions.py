"""Page view restrictions in fewer queries than Wagtail's defaults (issue 2: at most 10 queries per page).

Wagtail's Page.get_view_restrictions() runs two queries on every page view (the ancestors, then their
restrictions) and every PageQuerySet.public() runs one. The ancestors' paths follow from a page's own
materialised path (treebeard), so one query is enough for a page, and listings on one page can share one.

Cheaper still: the restrictions table has one row per private section, usually none at all. The page being
served loads that whole (small) table once, in a plain query that is cheap to build; its serve-time check
and its listings (public_pages_q) both use it, and when it is empty nothing else is asked. Only a site with
private sections pays the exact per-page query below as well.
"""

from django.db.models import Q
from wagtail.models import Page, PageViewRestriction

# What public_pages_q and the alias check need of a restricted page.
RESTRICTED_PAGE_FIELDS = ("page__id", "page__path", "page__depth", "page__alias_of_id")


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


def all_view_restrictions():
    """Every view restriction of the site with the path, depth and alias of its page, in one query."""
    return list(
        PageViewRestriction.objects.select_related("page").only(
            "id", "restriction_type", "password", *RESTRICTED_PAGE_FIELDS
        )
    )


def served_page_restrictions(page):
    """all_view_restrictions(), fetched once for the page being served.

    Kept on the page object: Wagtail hands the same instance to the serve-time check (on_serve_page) and to
    page.serve()/get_context(), and routing fetches it anew for every request, so it lives one request."""
    restrictions = getattr(page, "_dichtbij_view_restrictions", None)
    if restrictions is None:
        restrictions = page._dichtbij_view_restrictions = all_view_restrictions()
    return restrictions


class OneQueryViewRestrictionsMixin:
    """For page models: Wagtail's serve-time restriction check in one cheap query instead of two.

    No restriction anywhere on the site (the usual case): nothing applies, and the listings of this page
    reuse the same answer through served_page_restrictions(). Otherwise the exact one-query check."""

    def get_view_restrictions(self):
        if not served_page_restrictions(self):
            return []
        return view_restrictions_for(self)


def public_pages_q(restrictions=None):
    """A Q object leaving out restricted pages, to share one restrictions query between several listings.

    `restrictions`: the site's view restrictions when the caller has them (served_page_restrictions(page));
    otherwise they are queried. No restriction: an empty Q (filtering on it changes nothing)."""
    if restrictions is None:
        restrictions = all_view_restrictions()
    private = Q()
    for restriction in restrictions:
        private |= Page.objects.descendant_of_q(restriction.page, inclusive=True)
    return ~private if private else Q()
