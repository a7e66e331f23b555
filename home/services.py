"""Queries the home page and navigation need, kept out of models and views so tests can call them."""

from django.apps import apps
from wagtail.models import Page


def main_navigation(site_root):
    """The top-level pages shown in the menu: live, 'show in menus', in tree order."""
    if site_root is None:
        return Page.objects.none()
    return site_root.get_children().live().in_menu().specific()


def breadcrumbs(page, site_root):
    """Ancestors from the site root down to the page itself (the root itself is 'Home')."""
    if page is None or site_root is None or not page.is_descendant_of(site_root) and page.pk != site_root.pk:
        return []
    return list(page.get_ancestors(inclusive=True).filter(depth__gte=site_root.depth).specific())


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
    return context
