"""Queries the home page and navigation need, kept out of models and views so tests can call them."""

from django.apps import apps
from django.contrib.contenttypes.models import ContentType

from .restrictions import public_pages_q, served_page_restrictions


# What the menu, the breadcrumbs and the social-map link read of a page: on every page view, selecting
# (and, on SQLite, parsing the six dates of) all 29 columns of each page cost more than running the query.
NAV_PAGE_FIELDS = ("id", "path", "depth", "numchild", "title", "slug", "url_path", "show_in_menus", "content_type_id", "live", "locale_id", "translation_key")


def top_level_pages(site_root, request=None):
    """The live pages right below the site root, in tree order, fetched once per request.

    The menu and the home page (which looks for the social map there first) both need them. Plain Page
    objects with only the columns they read (NAV_PAGE_FIELDS): titles, URLs, tree position and content
    types; .specific() would cost a query per type."""
    if site_root is None:
        return []
    cached = getattr(request, "_dichtbij_top_level_pages", None)
    if cached is not None and cached[0] == site_root.pk:
        return cached[1]
    pages = list(site_root.get_children().live().only(*NAV_PAGE_FIELDS))
    if request is not None:
        request._dichtbij_top_level_pages = (site_root.pk, pages)
    return pages


def main_navigation(site_root, request=None):
    """The top-level pages shown in the menu: live, 'show in menus', in tree order."""
    return [page for page in top_level_pages(site_root, request) if page.show_in_menus]


def breadcrumbs(page, site_root):
    """Ancestors from the site root down to the page itself (the root itself is 'Home').

    Plain Page objects (titles and URLs are all a crumb needs; .specific() costs a query per page type)."""
    if page is None or site_root is None or not page.is_descendant_of(site_root) and page.pk != site_root.pk:
        return []
    # The root itself and the pages right below it need no query: the trail is the root and the page.
    if page.pk == site_root.pk:
        return [site_root]
    if page.depth == site_root.depth + 1:
        return [site_root, page]
    return list(page.get_ancestors(inclusive=True).filter(depth__gte=site_root.depth).only(*NAV_PAGE_FIELDS))


def social_map_page_for(home_page, request=None):
    """The live social map below the home page, for a link to it: among the top-level pages when it is there
    (no extra query then, the menu fetched them; a plain Page with the menu's columns, which is all a link
    needs: .specific_deferred would load the columns the menu left out, one query each), else anywhere below."""
    try:
        SocialMapPage = apps.get_model("socialmap", "SocialMapPage")
    except LookupError:
        return None
    content_type = ContentType.objects.get_for_model(SocialMapPage)  # cached by Django after the first call
    for page in top_level_pages(home_page, request):
        if page.content_type_id == content_type.pk:
            return page
    return SocialMapPage.objects.live().descendant_of(home_page).first()


def home_page_highlights(home_page, request=None):
    """Featured news, upcoming events and the social map for the home page, when those modules exist."""
    context = {"social_map_page": None, "featured_news": [], "upcoming_events": []}
    if apps.is_installed("socialmap"):
        context["social_map_page"] = social_map_page_for(home_page, request)
    # The view restrictions the serve-time check of the home page already loaded.
    context.update(community_highlights(restrictions=served_page_restrictions(home_page)))
    return context


# What a news or event card on the home page shows: its title, URL, date and introduction. Not the body,
# the image, the area or the location (a query with every column of three joined tables costs more to
# build and to turn into objects than to run).
CARD_FIELDS = ("id", "path", "depth", "url_path", "title", "content_type_id", "live")


def community_highlights(news_count=3, event_count=3, restrictions=None):
    """News staff marked for the home page (newest first, topped up with the latest) and the next events.

    One view-restrictions query shared by both listings (none when the caller has them), and the featured
    news and the top-up in one query."""
    from .events import upcoming_events
    from .news import NewsPage

    public = public_pages_q(restrictions)
    featured = list(
        NewsPage.objects.live()
        .filter(public)
        .order_by("-featured", "-date", "-first_published_at")
        .only(*CARD_FIELDS, "date", "introduction")[:news_count]
    )
    events = upcoming_events(public=public).select_related(None).only(*CARD_FIELDS, "start", "end")
    return {"featured_news": featured, "upcoming_events": list(events[:event_count])}
