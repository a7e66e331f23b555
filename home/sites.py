"""Which Wagtail site answers a request: Wagtail's choice, in a query that is cheaper to build.

Every page view starts with Site.find_for_request(), which calls wagtail.models.sites.get_site_for_hostname().
Wagtail ranks the candidate sites in SQL with a CASE expression, orders by it (and its SiteManager adds an
ordering on LOWER(hostname) that the CASE replaces), and joins every column of the root page. Building and
compiling those expressions cost more Python time than everything else in the query (about 4 ms of CPU on
the 2-core server, for one row). Here the same candidates come back in a plain query, ranked in Python by
the same rules, with only the root-page columns that routing and our templates read (the rest load on
access). HomeConfig.ready() installs it in place of Wagtail's function; tests/home/test_page_speed.py checks
that both choose the same site for every combination of hostname, port and default site.
"""

from django.db.models import Q
from wagtail.models import Site

# Root-page columns read on every page view: routing (.localized, .specific, .route: id, content type, live,
# locale, path, depth), and the header's home link and menu (url_path, title).
ROOT_PAGE_FIELDS = ("id", "content_type_id", "live", "locale_id", "translation_key", "path", "depth", "numchild", "url_path", "title", "slug")

MATCH_HOSTNAME_PORT = 0
MATCH_HOSTNAME_DEFAULT = 1
MATCH_DEFAULT = 2
MATCH_HOSTNAME = 3


def _match(site, hostname, port):
    """Wagtail's ranking (wagtail.models.sites.get_site_for_hostname), best first."""
    if site.hostname == hostname and site.port == port:
        return MATCH_HOSTNAME_PORT
    if site.hostname == hostname and site.is_default_site:
        return MATCH_HOSTNAME_DEFAULT
    if site.is_default_site:
        return MATCH_DEFAULT
    return MATCH_HOSTNAME


def get_site_for_hostname(hostname, port):
    """The Site for a hostname and port, chosen exactly as Wagtail's function of the same name does."""
    sites = list(
        Site.objects.filter(Q(hostname=hostname) | Q(is_default_site=True))
        .order_by()
        .select_related("root_page")
        .only("id", "hostname", "port", "site_name", "root_page_id", "is_default_site",
              *(f"root_page__{field}" for field in ROOT_PAGE_FIELDS))
    )
    sites.sort(key=lambda site: (_match(site, hostname, port), site.pk))
    if sites:
        best = _match(sites[0], hostname, port)
        # A unique candidate, or an exact hostname+port or hostname+default match.
        if len(sites) == 1 or best in (MATCH_HOSTNAME_PORT, MATCH_HOSTNAME_DEFAULT):
            return sites[0]
        # The default site with another hostname first: a single hostname match wins over it, several do not.
        if best == MATCH_DEFAULT:
            return sites[len(sites) == 2]
    raise Site.DoesNotExist()


def install():
    """Put get_site_for_hostname in the place Site.find_for_request() looks it up (a module global)."""
    from wagtail.models import sites as wagtail_sites

    if not hasattr(wagtail_sites, "wagtail_get_site_for_hostname"):
        wagtail_sites.wagtail_get_site_for_hostname = wagtail_sites.get_site_for_hostname
    wagtail_sites.get_site_for_hostname = get_site_for_hostname
