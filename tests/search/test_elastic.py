"""Elasticsearch backend: the index body and query bodies it builds, the fallback when Elasticsearch is
down (a local port nobody listens on), and integration tests that run only where ELASTICSEARCH_URL is set."""

import os
import socket

import pytest

from search.elastic import ElasticsearchFacilityBackend, build_search_body, clusters, facility_source, index_body
from search.facilities import FacilityQuery
from tests.search.factories import index_all, make_facility


def test_index_has_dutch_analysis_synonyms_and_decompounding():
    body = index_body([["thuiszorg", "wijkverpleging"]], ["mantelzorg", "ondersteuning"])
    analysis = body["settings"]["analysis"]
    assert analysis["filter"]["dutch_stemmer"] == {"type": "stemmer", "language": "dutch"}
    assert analysis["filter"]["dutch_stop"]["stopwords"] == "_dutch_"
    assert analysis["filter"]["dutch_synonyms"]["synonyms"] == ["thuiszorg, wijkverpleging"]
    assert analysis["filter"]["dutch_decompounder"]["word_list"] == ["mantelzorg", "ondersteuning"]
    assert "dutch_decompounder" in analysis["analyzer"]["dutch_index"]["filter"]
    assert "dutch_synonyms" in analysis["analyzer"]["dutch_search"]["filter"]
    props = body["mappings"]["properties"]
    assert props["location"]["type"] == "geo_point"
    assert props["levensdomein"]["type"] == "keyword"
    assert props["description"]["analyzer"] == "dutch_index" and props["description"]["search_analyzer"] == "dutch_search"


def test_query_body_uses_fuzziness_and_field_boosts():
    body = build_search_body(FacilityQuery(text="mantelzrog"))
    multi = body["query"]["bool"]["should"][0]["multi_match"]
    assert multi["fuzziness"] == "AUTO"
    assert "name^4" in multi["fields"]


def test_facets_use_post_filter_semantics():
    query = FacilityQuery(text="hulp", filters={"levensdomein": ["hulp-thuis"], "wijk": ["WK011408", "WK011401"]})
    body = build_search_body(query)
    assert body["post_filter"] == {"bool": {"filter": [{"terms": {"levensdomein": ["hulp-thuis"]}}, {"terms": {"wijk": ["WK011408", "WK011401"]}}]}}
    # each group's facet is counted with the other groups' filters only
    assert body["aggs"]["facet_levensdomein"]["filter"] == {"bool": {"filter": [{"terms": {"wijk": ["WK011408", "WK011401"]}}]}}
    assert body["aggs"]["facet_wijk"]["filter"] == {"bool": {"filter": [{"terms": {"levensdomein": ["hulp-thuis"]}}]}}
    assert body["aggs"]["facet_doelgroep"]["filter"]["bool"]["filter"] == body["post_filter"]["bool"]["filter"]
    assert body["aggs"]["clusters"]["aggs"]["tiles"]["geotile_grid"]["field"] == "location"


def test_near_adds_distance_decay_and_distance_sort():
    body = build_search_body(FacilityQuery(text="dagbesteding", near=(52.79, 6.94), sort="distance", radius_km=10))
    gauss = body["query"]["function_score"]["functions"][0]["gauss"]["location"]
    assert gauss["origin"] == {"lat": 52.79, "lon": 6.94}
    assert body["sort"][0]["_geo_distance"]["location"] == {"lat": 52.79, "lon": 6.94}
    assert {"geo_distance": {"distance": "10km", "location": {"lat": 52.79, "lon": 6.94}}} in body["post_filter"]["bool"]["filter"]


def test_a_page_of_results_asks_from_its_offset():
    body = build_search_body(FacilityQuery(text="mantelzorg", limit=20, offset=40), size=20)
    assert body["from"] == 40 and body["size"] == 20
    assert "from" not in build_search_body(FacilityQuery(text="mantelzorg", limit=20), size=20)


def test_clusters_read_geotile_buckets():
    response = {"aggregations": {"clusters": {"tiles": {"buckets": [{"key": "12/2100/1340", "doc_count": 3}]}}}}
    assert clusters(response) == [("12/2100/1340", 3)]


@pytest.mark.django_db
def test_facility_document_carries_codes_and_points():
    facility = make_facility("Taalhuis", "Nederlands oefenen.", terms=[("levensdomein", "meedoen-ontmoeten")], area="Klazienaveen", lat=52.72, lng=6.98)
    source = facility_source(facility)
    assert source["levensdomein"] == ["meedoen-ontmoeten"]
    assert "WK011408" in source["wijk"] and "de-velden" in source["gebied"]
    assert source["location"] == [{"lat": 52.72, "lon": 6.98}]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.django_db
def test_unreachable_elasticsearch_falls_back_to_the_database_with_a_notice():
    make_facility("Taalhuis Klazienaveen", "Nederlands oefenen met taalcoaches.")
    index_all()
    backend = ElasticsearchFacilityBackend(url=f"http://127.0.0.1:{free_port()}", timeout=1)
    result = backend.search(FacilityQuery(text="taalcoaches"))
    assert [h.facility.name for h in result.hits] == ["Taalhuis Klazienaveen"]
    assert "zoekmachine werkt nu even niet" in result.notice


@pytest.mark.django_db
def test_settings_choose_elasticsearch_when_a_url_is_set(settings):
    from search.backends import get_facility_backend

    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    settings.FACILITY_SEARCH_BACKEND = ""
    assert isinstance(get_facility_backend(), ElasticsearchFacilityBackend)


@pytest.mark.elasticsearch
@pytest.mark.django_db
@pytest.mark.skipif(not os.environ.get("ELASTICSEARCH_URL"), reason="needs ELASTICSEARCH_URL")
def test_elasticsearch_round_trip(settings):
    settings.ELASTICSEARCH_INDEX_PREFIX = "dichtbij_test"
    make_facility("Mantelzorgsteunpunt", "Mantelzorgondersteuning voor u.", terms=[("levensdomein", "mantelzorg-vrijwilligers")], area="Emmerhout", lat=52.79, lng=6.94)
    make_facility("Wijkverpleging", "Verpleging thuis.", terms=[("levensdomein", "zorg-gezondheid")], area="Emmerhout", lat=52.79, lng=6.94)
    index_all()
    backend = ElasticsearchFacilityBackend(url=os.environ["ELASTICSEARCH_URL"])
    backend.reindex()
    result = backend.search(FacilityQuery(text="mantelzrog", filters={"levensdomein": ["mantelzorg-vrijwilligers"]}))
    assert [h.facility.name for h in result.hits] == ["Mantelzorgsteunpunt"]
    counts = {v.code: v.count for v in result.facets["levensdomein"]}
    assert counts == {"mantelzorg-vrijwilligers": 1}
    assert not result.notice
