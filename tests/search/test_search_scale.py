"""The facility search at scale: the database does the set work (search.sqlsearch), pages are cut there,
facet counts agree with the strict filter semantics, and the number of queries does not grow with the
number of facilities."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from search.facilities import FacilityQuery, apply_filters, public_facilities, search_facilities
from search.models import Synonym
from tests.search.factories import index_all, make_facility

pytestmark = pytest.mark.django_db

EMMERHOUT = (52.79, 6.94)


def grow(n, start=0):
    for i in range(start, start + n):
        area, lat, lng = ("Klazienaveen", 52.727, 6.985) if i % 2 else ("Emmerhout", 52.792 + i / 1000, 6.94)
        make_facility(
            f"Buurthulp {i:02d}", f"Vrijwilligers bieden hulp bij boodschappen en klussen, nummer {i}.",
            terms=[("levensdomein", "hulp-thuis" if i % 3 else "meedoen-ontmoeten"), ("doelgroep", "ouderen" if i % 2 else "jongeren")],
            area=area, lat=lat, lng=lng,
        )


@pytest.fixture
def many():
    grow(12)
    make_facility("Mantelzorgsteunpunt", "Advies voor mantelzorgers.", terms=[("doelgroep", "mantelzorgers")], area="Emmerhout", lat=52.79, lng=6.94)
    index_all()


def names(result):
    return [h.facility.name for h in result.hits]


def test_pages_cut_by_offset_and_limit_are_slices_of_the_whole_order(many):
    for query in (
        FacilityQuery(text="hulp boodschappen"),
        FacilityQuery(text="hulp", near=EMMERHOUT, sort="distance"),
        FacilityQuery(sort="name"),
        FacilityQuery(near=EMMERHOUT),
    ):
        whole = names(search_facilities(query))
        assert len(whole) >= 12
        pages = []
        for offset in range(0, len(whole), 5):
            query.limit, query.offset = 5, offset
            result = search_facilities(query)
            assert result.total == len(whole)
            pages += names(result)
        query.limit, query.offset = None, 0
        assert pages == whole, query


def test_facet_counts_equal_the_filtered_results_with_text_filters_and_radius(many):
    query = FacilityQuery(text="hulp", filters={"levensdomein": ["hulp-thuis"], "doelgroep": ["ouderen"]}, near=EMMERHOUT, radius_km=15)
    result = search_facilities(query)
    assert result.total == len(result.hits) > 0
    for group in ("levensdomein", "doelgroep", "wijk"):
        for value in result.facets[group]:
            other = FacilityQuery(text=query.text, near=query.near, radius_km=query.radius_km,
                                  filters={**query.filters, group: [value.code]})
            assert value.count == search_facilities(other).total, (group, value)


def test_filters_match_the_orm_definition(many):
    filters = {"levensdomein": ["hulp-thuis"], "doelgroep": ["ouderen", "mantelzorgers"]}
    expected = set(apply_filters(public_facilities(), filters).values_list("name", flat=True))
    assert set(names(search_facilities(FacilityQuery(filters=filters)))) == expected


def test_radius_leaves_out_facilities_further_away(many):
    result = search_facilities(FacilityQuery(text="hulp", near=EMMERHOUT, radius_km=3))
    assert result.hits and all(h.distance_km <= 3 for h in result.hits)
    assert result.total == len(result.hits) == 6  # the Emmerhout half; Klazienaveen is 8 km away


def test_queries_do_not_grow_with_the_number_of_facilities(many):
    Synonym.objects.get_or_create(term="klusjes", defaults={"equivalents": "klussendienst"})
    query = FacilityQuery(text="hulp klusjes", filters={"doelgroep": ["ouderen"]}, near=EMMERHOUT, limit=20)
    search_facilities(query)  # warm the per-process caches (vocabulary, synonyms, places)
    with CaptureQueriesContext(connection) as small:
        search_facilities(query)
    grow(12, start=12)
    index_all()
    search_facilities(query)
    with CaptureQueriesContext(connection) as large:
        result = search_facilities(query)
    assert result.total > 6
    assert len(large) == len(small) <= 14


def test_facets_can_be_skipped(many):
    result = search_facilities(FacilityQuery(text="hulp", facets=False, limit=3))
    assert result.facets == {} and len(result.hits) == 3 and result.total == 12


def test_a_page_of_the_social_map_list_loads_only_its_facilities(many):
    from types import SimpleNamespace

    from socialmap.views import search_page_of_results

    state = SimpleNamespace(page=2, to_query=lambda: FacilityQuery(sort="name"))
    result = search_page_of_results(state, 5)
    assert result.total == 13 and result.offset == 5 and len(result.hits) == 5
    past_end = search_page_of_results(SimpleNamespace(page=9, to_query=lambda: FacilityQuery(sort="name")), 5)
    assert past_end.offset == 10 and len(past_end.hits) == 3
    window = past_end.window()
    assert len(window) == 13 and [h.facility.name for h in window[10:15]] == names(past_end)
