"""Fewer queries per page (issue 2: at most 10 on the home and content pages), without losing behaviour:
private sections stay private, the menu, breadcrumbs and home page highlights stay right."""

from datetime import date

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from wagtail.models import PageViewRestriction

from home.restrictions import ancestor_paths, view_restrictions_for
from home.services import breadcrumbs, community_highlights, main_navigation, top_level_pages
from socialmap.models import Area
from tests.factories import make_content_page
from tests.home.community_factories import make_event, make_event_index, make_news, make_news_index

pytestmark = pytest.mark.django_db

NO_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def queries_for(client, url):
    """Status and number of queries of a second request (the first warms Django's content-type cache)."""
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    return response.status_code, len(ctx.captured_queries)


@pytest.fixture
def full_home(home_page):
    """A home page with news, events, a social map page and top-level content, as the demo has."""
    from socialmap.models import SocialMapPage

    news = make_news_index(home_page)
    for n in range(4):
        make_news(news, f"bericht-{n}", date=date(2026, 1, n + 1), featured=n == 0)
    events = make_event_index(home_page)
    for n in range(3):
        make_event(events, f"activiteit-{n}", days_ahead=n + 1)
    home_page.add_child(instance=SocialMapPage(title="Sociale kaart", slug="sociale-kaart", show_in_menus=True))
    make_content_page(home_page, title="Hulp vragen", slug="hulp-vragen", show_in_menus=True)
    return home_page


@override_settings(CACHES=NO_CACHE)
def test_home_page_needs_at_most_ten_queries_without_a_cache(client, full_home):
    cache.clear()
    status, count = queries_for(client, "/")
    assert status == 200
    assert count <= 10, f"{count} queries"


@override_settings(CACHES=NO_CACHE)
def test_content_page_needs_at_most_ten_queries_without_a_cache(client, full_home):
    status, count = queries_for(client, "/hulp-vragen/")
    assert status == 200
    assert count <= 10, f"{count} queries"


def test_home_page_search_form_leads_to_the_social_map_found_among_the_top_level_pages(client, full_home):
    html = client.get("/").content.decode()
    assert 'action="/sociale-kaart/"' in html


def test_home_page_finds_a_social_map_deeper_in_the_tree_too(client, home_page):
    from socialmap.models import SocialMapPage

    section = make_content_page(home_page, title="Hulp", slug="hulp")
    section.add_child(instance=SocialMapPage(title="Sociale kaart", slug="sociale-kaart"))
    assert 'action="/hulp/sociale-kaart/"' in client.get("/").content.decode()


def test_menu_lists_live_pages_shown_in_menus_in_tree_order(rf, home_page):
    first = make_content_page(home_page, title="Eerste", slug="eerste", show_in_menus=True)
    make_content_page(home_page, title="Verborgen", slug="verborgen", show_in_menus=False)
    draft = make_content_page(home_page, title="Concept", slug="concept", show_in_menus=True)
    draft.unpublish()
    last = make_content_page(home_page, title="Laatste", slug="laatste", show_in_menus=True)
    request = rf.get("/")
    assert [p.pk for p in main_navigation(home_page, request)] == [first.pk, last.pk]
    # The home page and the menu share one query per request.
    with CaptureQueriesContext(connection) as ctx:
        top_level_pages(home_page, request)
    assert len(ctx.captured_queries) == 0


def test_breadcrumbs_of_top_level_pages_need_no_query_and_deeper_ones_stay_complete(home_page):
    parent = make_content_page(home_page, title="Ouder", slug="ouder")
    child = make_content_page(parent, title="Kind", slug="kind")
    with CaptureQueriesContext(connection) as ctx:
        assert [p.pk for p in breadcrumbs(parent, home_page)] == [home_page.pk, parent.pk]
        assert [p.pk for p in breadcrumbs(home_page, home_page)] == [home_page.pk]
    assert len(ctx.captured_queries) == 0
    assert [p.pk for p in breadcrumbs(child, home_page)] == [home_page.pk, parent.pk, child.pk]


def test_ancestor_paths_follow_from_the_materialised_path(home_page):
    page = make_content_page(make_content_page(home_page, slug="a"), slug="b")
    assert ancestor_paths(page) == [a.path for a in page.get_ancestors()] + [page.path]
    assert ancestor_paths(page, inclusive=False) == [a.path for a in page.get_ancestors()]


def test_a_page_below_a_private_section_is_refused_to_visitors_in_one_restrictions_query(client, home_page):
    section = make_content_page(home_page, title="Intern", slug="intern")
    page = make_content_page(section, title="Geheim", slug="geheim")
    PageViewRestriction.objects.create(page=section, restriction_type=PageViewRestriction.LOGIN)
    with CaptureQueriesContext(connection) as ctx:
        restrictions = list(view_restrictions_for(page))
    assert len(ctx.captured_queries) == 1
    assert [r.page_id for r in restrictions] == [section.pk]
    response = client.get("/intern/geheim/")
    assert response.status_code == 302 and "login" in response["Location"]
    assert client.get("/").status_code == 200


def test_an_alias_of_a_private_page_is_private_too(client, home_page):
    private = make_content_page(home_page, title="Intern", slug="intern")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.PASSWORD, password="geheim")
    other = make_content_page(home_page, title="Elders", slug="elders")
    alias = private.create_alias(parent=other, update_slug="kopie")
    assert [r.page_id for r in view_restrictions_for(alias)] == [private.pk]
    response = client.get("/elders/kopie/")
    assert response.status_code == 200 and b"password" in response.content.lower()


def test_home_highlights_leave_out_news_and_events_in_private_sections(home_page):
    news = make_news_index(home_page)
    make_news(news, "openbaar", featured=True)
    private_news = make_news_index(home_page, slug="intern-nieuws")
    make_news(private_news, "intern", featured=True)
    events = make_event_index(home_page)
    make_event(events, "open-activiteit")
    private_events = make_event_index(home_page, slug="interne-activiteiten")
    make_event(private_events, "interne-activiteit")
    for section in (private_news, private_events):
        PageViewRestriction.objects.create(page=section, restriction_type=PageViewRestriction.LOGIN)
    highlights = community_highlights()
    assert [p.slug for p in highlights["featured_news"]] == ["openbaar"]
    assert [p.slug for p in highlights["upcoming_events"]] == ["open-activiteit"]


def test_area_descendants_reach_the_wijken_of_a_gemeente_in_one_query():
    gemeente = Area.objects.create(name="Testgemeente", slug="testgemeente", kind=Area.GEMEENTE)
    gebied = Area.objects.create(name="Testgebied", slug="testgebied", kind=Area.GEBIED, parent=gemeente)
    wijk = Area.objects.create(name="Testwijk", slug="testwijk", kind=Area.WIJK, parent=gebied)
    Area.objects.create(name="Elders", slug="elders-test", kind=Area.GEBIED)
    with CaptureQueriesContext(connection) as ctx:
        found = set(gemeente.descendants_and_self().values_list("pk", flat=True))
    assert found == {gemeente.pk, gebied.pk, wijk.pk}
    assert len(ctx.captured_queries) == 1
    assert set(wijk.descendants_and_self()) == {wijk}


def test_an_area_tree_deeper_than_four_levels_or_in_a_loop_is_refused_with_a_message():
    level = Area.objects.create(name="Niveau 1", slug="niveau-1", kind=Area.GEMEENTE)
    for n in range(2, 5):
        level = Area.objects.create(name=f"Niveau {n}", slug=f"niveau-{n}", kind=Area.WIJK, parent=level)
    too_deep = Area(name="Niveau 5", slug="niveau-5", kind=Area.WIJK, parent=level)
    with pytest.raises(ValidationError) as error:
        too_deep.full_clean()
    assert "parent" in error.value.message_dict
    top = Area.objects.get(slug="niveau-1")
    top.parent = level
    with pytest.raises(ValidationError):
        top.full_clean()
