"""Less server time per page view (issue 2: p50 <= 25 ms) without a different page: the cheaper routing,
view-restriction check and narrow menu/footer/home-card queries must behave exactly as what they replace.
See docs/performance.md, "Server time per page"."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from wagtail.models import PageViewRestriction, Site

from home.models import ContentPage, ThemeSettings
from tests.factories import make_content_page
from tests.home.community_factories import make_event, make_event_index, make_news, make_news_index

pytestmark = pytest.mark.django_db

NO_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def test_a_deeper_page_is_routed_to_its_specific_page_with_every_field(client, home_page):
    parent = make_content_page(home_page, title="Hulp", slug="hulp")
    child = make_content_page(parent, title="Mantelzorg", slug="mantelzorg", introduction="Zorgt u voor iemand?")
    route = home_page.route(None, ["hulp", "mantelzorg"])
    page = route.page
    assert type(page) is ContentPage and page.pk == child.pk
    assert page.get_deferred_fields() == set()
    assert page.get_parent().pk == parent.pk
    response = client.get("/hulp/mantelzorg/")
    assert response.status_code == 200
    assert "Zorgt u voor iemand?" in response.content.decode()
    assert client.get("/hulp/bestaat-niet/").status_code == 404
    assert client.get("/bestaat-niet/mantelzorg/").status_code == 404


def test_an_unpublished_child_is_not_routed(client, home_page):
    draft = make_content_page(home_page, title="Concept", slug="concept")
    draft.unpublish()
    assert client.get("/concept/").status_code == 404


@override_settings(CACHES=NO_CACHE)
def test_the_view_restrictions_are_asked_once_per_home_page_view(client, home_page):
    news = make_news_index(home_page)
    make_news(news, "openbaar", featured=True)
    client.get("/")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    restriction_queries = [q for q in ctx.captured_queries if "wagtailcore_pageviewrestriction" in q["sql"]]
    assert len(restriction_queries) == 1


def test_a_section_made_private_disappears_from_the_home_page_on_the_next_view(client, home_page):
    """Nothing about the restrictions outlives a request: the serve check and the listings read them anew."""
    news = make_news_index(home_page, slug="intern-nieuws")
    make_news(news, "intern-bericht", featured=True, title="Intern bericht")
    events = make_event_index(home_page, slug="interne-activiteiten")
    make_event(events, "interne-activiteit", title="Interne activiteit")
    html = client.get("/").content.decode()
    assert "Intern bericht" in html and "Interne activiteit" in html
    for section in (news, events):
        PageViewRestriction.objects.create(page=section, restriction_type=PageViewRestriction.LOGIN)
    html = client.get("/").content.decode()
    assert "Intern bericht" not in html and "Interne activiteit" not in html
    # The private section itself now asks for a login, the home page stays public.
    assert client.get("/intern-nieuws/").status_code == 302
    PageViewRestriction.objects.create(page=home_page, restriction_type=PageViewRestriction.LOGIN)
    assert client.get("/").status_code == 302


def test_footer_links_follow_a_changed_theme_setting_and_load_no_page_columns_they_do_not_show(client, home_page):
    privacy = make_content_page(home_page, title="Privacy", slug="privacy")
    other = make_content_page(home_page, title="Privacyverklaring", slug="privacyverklaring")
    site = Site.objects.get(is_default_site=True)
    theme = ThemeSettings.for_site(site)
    theme.privacy_page = privacy
    theme.save()
    assert 'href="/privacy/"' in client.get("/").content.decode()
    theme.privacy_page = other
    theme.save()
    assert 'href="/privacyverklaring/"' in client.get("/").content.decode()
    loaded = ThemeSettings.for_site(site)
    assert "body" not in loaded.privacy_page.__dict__ and "search_description" not in loaded.privacy_page.__dict__
    assert not {f.attname for f in ThemeSettings._meta.concrete_fields} & loaded.get_deferred_fields()


def test_home_cards_show_title_date_and_introduction_without_more_queries(client, home_page):
    news = make_news_index(home_page)
    make_news(news, "bericht", featured=True, title="Nieuw buurthuis", introduction="Het buurthuis is open.")
    events = make_event_index(home_page)
    make_event(events, "koffie", title="Koffieochtend")
    html = client.get("/").content.decode()
    assert "Nieuw buurthuis" in html and "Het buurthuis is open." in html and "Koffieochtend" in html
