"""The /zoeken/ page and the suggestions endpoint."""

import pytest
from django.urls import reverse
from wagtail.contrib.search_promotions.models import Query, SearchPromotion

from search.models import SearchQuery
from socialmap.models import Facility
from wagtail.models import Page
from search.sitesearch import highlight
from tests.factories import make_content_page, make_home_page
from tests.search.factories import index_all, make_facility

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(db):
    home = make_home_page()
    page = make_content_page(home, title="Mantelzorg in Emmen", slug="mantelzorg-info", search_description="Alles over mantelzorg.")
    other = make_content_page(home, title="Afval en grondstoffen", slug="afval", search_description="Over afval.")
    make_facility("Mantelzorgsteunpunt", "Steun en advies voor mantelzorg en mantelzorgers.", area="Emmerhout", lat=52.79, lng=6.94)
    index_all()
    from django.core.management import call_command

    call_command("update_index", verbosity=0)
    return {"home": home, "page": page, "other": other}


def get(client, **params):
    return client.get(reverse("search:search"), params)


def test_search_finds_facilities_and_pages_with_highlights(client, content):
    response = get(client, q="mantelzorg")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mantelzorgsteunpunt" in html
    assert "Mantelzorg in Emmen" in html
    assert "<mark>" in html


def test_type_filter_shows_only_that_type(client, content):
    html = get(client, q="mantelzorg", type="facility").content.decode()
    assert "Mantelzorgsteunpunt" in html
    assert "Mantelzorg in Emmen</a>" not in html


def test_promoted_page_comes_first(client, content):
    query = Query.get("mantelzorg")
    SearchPromotion.objects.create(query=query, page=content["other"], sort_order=0)
    response = get(client, q="mantelzorg")
    results = response.context["page_obj"].object_list
    assert results[0].title == "Afval en grondstoffen" and results[0].promoted


def test_did_you_mean_links_the_corrected_query(client, content):
    html = get(client, q="mantelzrog").content.decode()
    assert "?q=mantelzorg" in html


def test_pagination_keeps_the_query(client, content):
    for i in range(12):
        make_facility(f"Mantelzorgpunt {i}", "Voor mantelzorgers.")
    index_all()
    response = get(client, q="mantelzorgers")
    assert response.context["page_obj"].paginator.num_pages >= 2
    page2 = get(client, q="mantelzorgers", page=2)
    assert page2.status_code == 200 and page2.context["page_obj"].number == 2


@pytest.mark.parametrize(
    "q",
    ["", " ", "x" * 1000, "!!!???", '"mantelzorg"', "a & b | !c", "zorg:*", "(mantel) OR zorg", "*", "مساعدة", "помощь", "援助", "🙂🙂", "\x00zorg"],
)
def test_bad_input_gives_a_helpful_page_never_a_500(client, content, q):
    response = get(client, q=q)
    assert response.status_code == 200


def test_punctuation_only_explains_what_to_type(client, content):
    html = get(client, q="!!! ***").content.decode()
    assert "mantelzorg" in html  # the example in the help text
    assert response_has_no_results_list(html)


def response_has_no_results_list(html):
    return 'class="dichtbij-results"' not in html


def test_long_query_is_cut_and_said(client, content):
    response = get(client, q="mantelzorg " * 100)
    assert len(response.context["query"]) <= 200
    assert response.context["too_long"]


def test_highlight_escapes_before_marking():
    html = highlight("<script>alert(1)</script> mantelzorg & meer", "mantelzorg")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<mark>mantelzorg</mark>" in html


def test_search_logs_an_anonymous_weekly_count(client, content):
    get(client, q="Mantelzorg")
    get(client, q="mantelzorg")
    get(client, q="tandarts")
    entry = SearchQuery.objects.get(query="mantelzorg", source="site")
    assert entry.count == 2 and entry.zero_result_count == 0
    assert SearchQuery.objects.get(query="tandarts").zero_result_count == 1
    field_names = {f.name for f in SearchQuery._meta.get_fields()}
    assert not field_names & {"ip", "ip_address", "user", "session", "session_key", "created_at"}


def test_suggestions_endpoint_returns_names_titles_and_terms(client, content):
    response = client.get(reverse("search:suggest"), {"q": "mantel"})
    assert response.status_code == 200
    labels = [s["label"] for s in response.json()["suggestions"]]
    assert "Mantelzorgsteunpunt" in labels
    assert "Mantelzorg in Emmen" in labels
    assert "mantelzorg" in [label.lower() for label in labels]


def test_suggestions_survive_typos_and_junk(client, content):
    labels = [s["label"] for s in client.get(reverse("search:suggest"), {"q": "mantelzrog"}).json()["suggestions"]]
    assert "Mantelzorgsteunpunt" in labels
    for junk in ["", "🙂", "x" * 500, "%%%", "'"]:
        assert client.get(reverse("search:suggest"), {"q": junk}).status_code == 200


def test_home_and_search_inputs_carry_the_autocomplete_hook(client, content):
    html = get(client, q="zorg").content.decode()
    assert 'data-autocomplete="/zoeken/suggesties/"' in html
    assert "search/autocomplete.js" in html


def test_search_engine_down_falls_back_to_the_database_with_a_notice(client, content, settings):
    """Elasticsearch unreachable (a local port nobody listens on): pages by title, facilities from the
    database, and a notice that says so; no error page."""
    unreachable = "http://127.0.0.1:9"
    settings.ELASTICSEARCH_URL = unreachable
    settings.WAGTAILSEARCH_BACKENDS = {"default": {
        "BACKEND": "search.engine_backend", "URLS": [unreachable], "INDEX": "dichtbij_test",
        "TIMEOUT": 2, "OPTIONS": {"max_retries": 0, "retry_on_timeout": False}}}
    response = get(client, q="mantelzorg")
    assert response.status_code == 200
    html = response.content.decode()
    assert "De zoekmachine werkt nu even niet" in html
    assert "Mantelzorgsteunpunt" in html and "Mantelzorg in Emmen" in html


def test_no_notice_when_the_search_works(client, content):
    assert "De zoekmachine werkt nu even niet" not in get(client, q="mantelzorg").content.decode()


def test_facility_results_and_suggestions_link_to_the_facility_page(client, content):
    from tests.socialmap.factories import make_social_map_page

    social_map = make_social_map_page(content["home"])
    expected = f"{social_map.url}{Facility.objects.get(name='Mantelzorgsteunpunt').slug}/"
    results = get(client, q="mantelzorg", type="facility").context["page_obj"].object_list
    assert [r.url for r in results if r.title == "Mantelzorgsteunpunt"] == [expected]
    suggestions = client.get(reverse("search:suggest"), {"q": "mantel"}).json()["suggestions"]
    assert {"label": "Mantelzorgsteunpunt", "type": "facility", "url": expected} in suggestions
    pages = [s for s in suggestions if s["type"] == "page"]
    assert pages and all(s["url"] == Page.objects.get(title=s["label"]).url for s in pages)


def test_search_page_queries_do_not_grow_with_the_number_of_results(client, content):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    get(client, q="mantelzorg")
    with CaptureQueriesContext(connection) as few:
        get(client, q="mantelzorg")
    for i in range(15):
        make_content_page(content["home"], title=f"Mantelzorg nieuws {i}", slug=f"mantelzorg-{i}", search_description="Over mantelzorg.")
        make_facility(f"Mantelzorgpunt {i}", "Voor mantelzorg en mantelzorgers.")
    index_all()
    from django.core.management import call_command

    call_command("update_index", verbosity=0)
    get(client, q="mantelzorg")
    with CaptureQueriesContext(connection) as many:
        response = get(client, q="mantelzorg")
    assert response.context["total"] > 25
    assert len(many) <= len(few) + 2  # a second page type at most; not a query per result
