"""Reflow (WCAG 2.1 SC 1.4.10): at 320 CSS pixels wide no public page type scrolls sideways; wide tables
scroll inside their own keyboard-reachable, named region instead, and pass axe there too."""

import pytest

# The demo content (tests/conftest.py: demo_server) is shared by every browser test.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(serialized_rollback=True)]


def public_page_urls():
    """One URL of each public page type in the demo content."""
    from home.areas import AreaIndexPage, AreaPage
    from home.events import EventIndexPage, EventPage
    from home.models import ContentPage, FormPage, HomePage
    from home.news import NewsIndexPage, NewsPage
    from home.newsletter import NewsletterPage
    from initiatives.models import BudgetSchemePage, SchemeIndexPage
    from socialmap.models import Facility, SocialMapPage

    models = [HomePage, ContentPage, FormPage, NewsIndexPage, NewsPage, EventIndexPage, EventPage, AreaIndexPage,
              AreaPage, NewsletterPage, SchemeIndexPage, BudgetSchemePage, SocialMapPage]
    urls = {}
    for model in models:
        page = model.objects.live().order_by("path").first()
        assert page is not None, f"the demo has no {model.__name__}"
        urls[model.__name__] = page.url
    social_map = SocialMapPage.objects.live().first()
    facility = Facility.objects.filter(live=True).order_by("name").first()
    urls["facility"] = social_map.facility_url(facility)
    # The area page with the most figures, agenda and tables (the demo's first gebied has them all).
    urls["AreaPage"] = AreaPage.objects.live().order_by("path").first().url
    urls["search"] = "/zoeken/?q=mantelzorg"
    urls["funded initiatives"] = "/gesteunde-initiatieven/"
    return urls


@pytest.fixture
def narrow_page(browser):
    context = browser.new_context(bypass_csp=True, locale="nl-NL", viewport={"width": 320, "height": 640})
    page = context.new_page()
    yield page
    context.close()


def test_no_public_page_type_scrolls_sideways_at_320_pixels(site, narrow_page):
    too_wide = {}
    for label, url in public_page_urls().items():
        narrow_page.goto(site + url)
        width = narrow_page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            too_wide[label] = width
    assert too_wide == {}, f"pages wider than 320 px: {too_wide}"


def test_wide_tables_scroll_in_a_named_region_reachable_by_keyboard(site, narrow_page, assert_accessible):
    narrow_page.goto(site + public_page_urls()["AreaPage"])
    regions = narrow_page.locator(".utrecht-table-container")
    assert regions.count() > 0
    for index in range(regions.count()):
        region = regions.nth(index)
        assert region.get_attribute("tabindex") == "0"
        assert region.get_attribute("role") == "region" and region.get_attribute("aria-label")
    assert_accessible(narrow_page)
