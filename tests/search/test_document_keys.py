"""The filter, facet and distance keys the search documents copy from a facility's relations
(FacilitySearchDocument.term_keys, location_area_keys, served_area_keys, points) stay current on save,
on relation changes and on a full reindex, and on PostgreSQL the migration's SQL fill gives the same."""

import pytest
from django.db import connection

from search.facilities import FacilityQuery, search_facilities
from search.indexing import facility_keys, index_facility, indexable_facilities
from search.models import FacilitySearchDocument
from socialmap.models import Area, Location, ServiceAtLocation, TaxonomyTerm
from tests.search.factories import index_all, make_facility

pytestmark = pytest.mark.django_db(transaction=False)


def keys_of(facility):
    doc = FacilitySearchDocument.objects.get(facility=facility)
    return {
        "terms": set(doc.term_keys.split()),
        "location_areas": set(doc.location_area_keys.split()),
        "served": set(doc.served_area_keys.split()),
        "points": [float(v) for v in doc.points.split()],
    }


def test_document_keys_follow_terms_locations_and_served_areas(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        facility = make_facility("Buurthulp", "Hulp bij klussen.", terms=[("doelgroep", "ouderen")], area="Emmerhout", lat=52.79, lng=6.94)
    ouderen = TaxonomyTerm.objects.get(taxonomy="doelgroep", code="ouderen")
    emmerhout = Area.objects.get(name="Emmerhout")
    assert keys_of(facility) == {"terms": {str(ouderen.pk)}, "location_areas": {str(emmerhout.pk)}, "served": set(), "points": [52.79, 6.94]}

    jongeren = TaxonomyTerm.objects.get(taxonomy="doelgroep", code="jongeren")
    klazienaveen = Area.objects.get(name="Klazienaveen")
    with django_capture_on_commit_callbacks(execute=True):
        facility.terms.add(jongeren)  # a ParentalManyToManyField: written by the save
        facility.save()
    assert keys_of(facility)["terms"] == {str(ouderen.pk), str(jongeren.pk)}
    with django_capture_on_commit_callbacks(execute=True):
        facility.areas_served.add(klazienaveen)
        facility.save()
    assert keys_of(facility)["served"] == {str(klazienaveen.pk)}
    with django_capture_on_commit_callbacks(execute=True):
        second = Location.objects.create(name="Tweede", city="Klazienaveen", latitude=52.727, longitude=6.985, area=klazienaveen, live=True)
        ServiceAtLocation.objects.create(facility=facility, location=second, sort_order=1)
    assert keys_of(facility)["location_areas"] == {str(emmerhout.pk), str(klazienaveen.pk)}
    assert sorted(keys_of(facility)["points"]) == sorted([52.79, 6.94, 52.727, 6.985])
    with django_capture_on_commit_callbacks(execute=True):
        second.latitude, second.longitude = 52.8, 6.9
        second.save()  # a moved location re-indexes its facilities
    assert sorted(keys_of(facility)["points"]) == sorted([52.79, 6.94, 52.8, 6.9])

    # The search filters and measures with them: nearest of the two locations, served area counts as wijk.
    result = search_facilities(FacilityQuery(text="klussen", near=(52.8, 6.9), filters={"wijk": [klazienaveen.cbs_code]}))
    assert [h.facility.pk for h in result.hits] == [facility.pk]
    assert result.hits[0].distance_km == pytest.approx(0.0, abs=1e-6)


def test_full_reindex_writes_the_same_keys_as_saving():
    facility = make_facility("Taalhuis", "Taalles voor volwassenen.", terms=[("doelgroep", "ouderen"), ("kosten", "gratis")],
                             area="Emmerhout", lat=52.79, lng=6.94)
    facility.areas_served.add(Area.objects.get(name="Klazienaveen"))
    facility.save()
    index_facility(facility)
    saved = keys_of(facility)
    index_all()
    assert keys_of(facility) == saved
    assert len(saved["terms"]) == 2 and saved["served"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQL fill of migration search 0006 is PostgreSQL's")
def test_migration_fill_gives_what_indexing_writes():
    import importlib

    fill = importlib.import_module("search.migrations.0006_facility_filter_columns").FILL
    make_facility("Inloop", "Koffie en ontmoeting.", terms=[("doelgroep", "ouderen")], area="Emmerhout", lat=52.791234567, lng=6.9412345678)
    make_facility("Zonder plek", "Advies aan huis.", terms=[("kosten", "gratis")])
    index_all()
    expected = {f.pk: facility_keys(f) for f in indexable_facilities()}
    FacilitySearchDocument.objects.update(term_keys="", location_area_keys="", served_area_keys="", points="")
    with connection.cursor() as cursor:
        cursor.execute(fill)
    for doc in FacilitySearchDocument.objects.all():
        want = expected[doc.facility_id]
        assert set(doc.term_keys.split()) == set(want["term_keys"].split())
        assert doc.location_area_keys == want["location_area_keys"]
        assert doc.served_area_keys == want["served_area_keys"]
        assert [float(v) for v in doc.points.split()] == [float(v) for v in want["points"].split()]
