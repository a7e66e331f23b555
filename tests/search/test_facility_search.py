"""The database facility search (SQLite FTS5 or PostgreSQL, whichever the tests run on)."""

import pytest

from search.facilities import FacilityQuery, search_facilities
from search.models import FacilitySearchDocument, Synonym
from tests.search.factories import index_all, make_facility

pytestmark = pytest.mark.django_db

KLAZIENAVEEN = (52.7275, 6.985)


@pytest.fixture
def facilities():
    made = {
        "steunpunt": make_facility(
            "Mantelzorgsteunpunt", "Het steunpunt biedt mantelzorgondersteuning: advies en een luisterend oor.",
            terms=[("levensdomein", "mantelzorg-vrijwilligers"), ("doelgroep", "mantelzorgers")], area="Emmerhout", lat=52.792, lng=6.94,
        ),
        "consulent": make_facility(
            "Mantelzorgconsulent", "De consulent helpt mantelzorgers met vragen over de zorg voor een naaste.",
            terms=[("levensdomein", "mantelzorg-vrijwilligers"), ("doelgroep", "ouderen")], area="Klazienaveen", lat=52.727, lng=6.985,
        ),
        "schoonmaak": make_facility(
            "Schoonmaakondersteuning", "Hulp bij het schoonmaken van uw woning als u dat zelf niet meer kunt.",
            terms=[("levensdomein", "hulp-thuis"), ("doelgroep", "ouderen")], area="Klazienaveen", lat=52.728, lng=6.99,
        ),
        "wijkverpleging": make_facility(
            "Wijkverpleging Emmen", "Verpleegkundigen komen bij u thuis voor verzorging en verpleging.",
            terms=[("levensdomein", "zorg-gezondheid"), ("doelgroep", "ouderen")], area="Emmerhout", lat=52.79, lng=6.94,
        ),
        "taalhuis": make_facility(
            "Taalhuis Klazienaveen", "Oefengroepen en taalcoaches voor wie beter Nederlands wil spreken.",
            terms=[("levensdomein", "meedoen-ontmoeten"), ("doelgroep", "nieuwkomers")], area="Klazienaveen", lat=52.726, lng=6.984,
        ),
        "taalcafe": make_facility(
            "Taalcafé Emmen", "Elke week Nederlands oefenen met taalcoaches in de bibliotheek.",
            terms=[("levensdomein", "meedoen-ontmoeten"), ("doelgroep", "nieuwkomers")], area="Emmerhout", lat=52.79, lng=6.94,
        ),
    }
    index_all()
    return made


def names(result):
    return [h.facility.name for h in result.hits]


def test_stemming_finds_plural_and_singular(facilities):
    result = search_facilities(FacilityQuery(text="mantelzorger"))
    assert {"Mantelzorgconsulent", "Mantelzorgsteunpunt"} <= set(names(result))


def test_compound_in_the_query_finds_texts_with_the_parts(facilities):
    result = search_facilities(FacilityQuery(text="mantelzorg ondersteuning"))
    assert names(result)[0] == "Mantelzorgsteunpunt"


def test_typo_is_forgiven_and_suggested(facilities):
    result = search_facilities(FacilityQuery(text="mantelzrog"))
    assert "Mantelzorgsteunpunt" in names(result)
    assert result.suggestion == "mantelzorg"


def test_staff_synonym_links_residents_word_to_providers_word(facilities):
    Synonym.objects.update_or_create(term="thuiszorg", defaults={"equivalents": "wijkverpleging"})
    result = search_facilities(FacilityQuery(text="thuiszorg"))
    assert names(result)[0] == "Wijkverpleging Emmen"


def test_synonym_phrase_matches_as_a_whole(facilities):
    Synonym.objects.update_or_create(term="hulp in huis", defaults={"equivalents": "schoonmaakondersteuning"})
    result = search_facilities(FacilityQuery(text="hulp in huis"))
    assert names(result)[0] == "Schoonmaakondersteuning"


def test_query_without_a_meaningful_match_returns_nothing_with_a_notice(facilities):
    for text in ("tandarts", "paspoort verlengen", "hondenuitlaatservice"):
        result = search_facilities(FacilityQuery(text=text))
        assert result.hits == [], text
        assert result.notice


def test_place_name_in_the_query_boosts_facilities_there(facilities):
    result = search_facilities(FacilityQuery(text="nederlands klazienaveen"))
    assert names(result)[0] == "Taalhuis Klazienaveen"
    assert "Taalcafé Emmen" in names(result)


def test_filters_are_strict_or_within_and_across_groups(facilities):
    result = search_facilities(FacilityQuery(filters={"doelgroep": ["ouderen"], "levensdomein": ["hulp-thuis", "zorg-gezondheid"]}))
    assert set(names(result)) == {"Schoonmaakondersteuning", "Wijkverpleging Emmen"}


def test_facet_counts_ignore_their_own_groups_filter(facilities):
    result = search_facilities(FacilityQuery(filters={"levensdomein": ["hulp-thuis"]}))
    counts = {v.code: v.count for v in result.facets["levensdomein"]}
    assert counts["hulp-thuis"] == 1
    assert counts["meedoen-ontmoeten"] == 2
    doelgroep = {v.code: v.count for v in result.facets["doelgroep"]}
    assert doelgroep["ouderen"] == 1 and doelgroep["nieuwkomers"] == 0


def test_wijk_filter_takes_cbs_codes(facilities):
    result = search_facilities(FacilityQuery(text="nederlands", filters={"wijk": ["WK011408"]}))
    assert names(result) == ["Taalhuis Klazienaveen"]


def test_near_prefers_the_closer_of_equal_matches(facilities):
    result = search_facilities(FacilityQuery(text="nederlands taalcoaches", near=KLAZIENAVEEN))
    assert names(result)[0] == "Taalhuis Klazienaveen"
    assert result.hits[0].distance_km < 1


def test_sort_by_distance(facilities):
    result = search_facilities(FacilityQuery(text="nederlands", near=(52.79, 6.94), sort="distance"))
    distances = [h.distance_km for h in result.hits]
    assert distances == sorted(distances)


def test_limit_keeps_the_total(facilities):
    result = search_facilities(FacilityQuery(filters={"doelgroep": ["ouderen"]}, limit=1))
    assert len(result.hits) == 1 and result.total == 3


def test_publishing_and_unpublishing_update_the_index(facilities, django_capture_on_commit_callbacks):
    facility = facilities["taalhuis"]
    with django_capture_on_commit_callbacks(execute=True):
        revision = facility.save_revision()
        facility.unpublish()
    assert not FacilitySearchDocument.objects.filter(facility=facility).exists()
    assert "Taalhuis Klazienaveen" not in names(search_facilities(FacilityQuery(text="taalcoaches")))
    with django_capture_on_commit_callbacks(execute=True):
        revision.publish()
    assert "Taalhuis Klazienaveen" in names(search_facilities(FacilityQuery(text="taalcoaches")))


def test_saving_a_changed_description_is_searchable_at_once(facilities, django_capture_on_commit_callbacks):
    facility = facilities["schoonmaak"]
    facility.description += " Ook de ramen lappen we."
    with django_capture_on_commit_callbacks(execute=True):
        facility.save()
    assert names(search_facilities(FacilityQuery(text="ramen lappen"))) == ["Schoonmaakondersteuning"]


def test_deleting_removes_from_the_index(facilities):
    facility = facilities["consulent"]
    facility.service_at_locations.all().delete()
    facility.delete()
    assert "Mantelzorgconsulent" not in names(search_facilities(FacilityQuery(text="mantelzorgers")))


@pytest.mark.parametrize("text", ['"mantelzorg', "a & b | !c", "zorg:* (x", "***", "🙂", "مساعدة", "x" * 1000, "' OR 1=1 --"])
def test_odd_queries_never_fail(facilities, text):
    result = search_facilities(FacilityQuery(text=text))
    assert isinstance(result.hits, list)


def test_reindex_command_rebuilds_documents(facilities, capsys):
    from django.core.management import call_command

    FacilitySearchDocument.objects.all().delete()
    call_command("reindex_facilities", verbosity=0)
    assert FacilitySearchDocument.objects.count() == 6
