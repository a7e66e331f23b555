"""Queries the home page and navigation need, kept out of models and views so tests can call them."""

from django.apps import apps
from wagtail.models import Page


def main_navigation(site_root):
    """The top-level pages shown in the menu: live, 'show in menus', in tree order.

    Plain Page objects: the menu needs only titles and URLs, and .specific() would cost a query per page type."""
    if site_root is None:
        return Page.objects.none()
    return site_root.get_children().live().in_menu()


def breadcrumbs(page, site_root):
    """Ancestors from the site root down to the page itself (the root itself is 'Home').

    Plain Page objects (titles and URLs are all a crumb needs; .specific() costs a query per page type)."""
    if page is None or site_root is None or not page.is_descendant_of(site_root) and page.pk != site_root.pk:
        return []
    if page.pk == site_root.pk:
        return [site_root]
    if page.depth == site_root.depth + 1:  # a section right below the home page: both are at hand, no query
        return [site_root, page]
    return list(page.get_ancestors(inclusive=True).filter(depth__gte=site_root.depth))


def home_page_highlights(home_page):
    """Featured news, upcoming events and the social map for the home page, when those modules exist."""
    context = {"social_map_page": None, "featured_news": [], "upcoming_events": []}
    if apps.is_installed("socialmap"):
        try:
            SocialMapPage = apps.get_model("socialmap", "SocialMapPage")
        except LookupError:
            SocialMapPage = None
        if SocialMapPage is not None:
            context["social_map_page"] = SocialMapPage.objects.live().descendant_of(home_page).first()
    context.update(community_highlights())
    return context


def community_highlights(news_count=3, event_count=3):
    """News staff marked for the home page (newest first, topped up with the latest) and the next events."""
    from .events import upcoming_events
    from .news import NewsPage

    live_news = NewsPage.objects.live().public().order_by("-date", "-first_published_at")
    featured = list(live_news.filter(featured=True)[:news_count])
    if len(featured) < news_count:
        featured += list(live_news.exclude(pk__in=[p.pk for p in featured])[: news_count - len(featured)])
    return {"featured_news": featured, "upcoming_events": upcoming_events(limit=event_count)}
