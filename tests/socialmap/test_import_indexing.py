"""After an HSDS import the facility search and Wagtail's reference index are complete, although the import
updates them once at the end instead of on every save."""

import json
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from wagtail.models import ReferenceIndex

from search.facilities import FacilityQuery, search_facilities
from search.indexing import deferred
from search.models import FacilitySearchDocument
from socialmap import hsds
from socialmap.models import Facility, Location, Organisation

DATA = Path(__file__).resolve().parent / "data" / "hsds_small.json"

pytestmark = pytest.mark.django_db


@pytest.fixture
def records():
    return json.loads(DATA.read_text(encoding="utf-8"))


def references_of(obj):
    """(model, pk) of everything the reference index says `obj` points to."""
    rows = ReferenceIndex.get_references_for_object(obj).values_list("to_content_type_id", "to_object_id")
    return {(ContentType.objects.get_for_id(ct).model_class(), pk) for ct, pk in rows}


def test_every_imported_facility_is_findable_by_search(records, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = hsds.import_services(records)

    assert report.created == len(records)
    assert FacilitySearchDocument.objects.count() == len(records)
    for record in records:
        result = search_facilities(FacilityQuery(text=record["name"]))
        assert record["id"] in {str(f.pk) for f in result.facilities}, record["name"]


def test_the_reference_index_holds_the_imported_facilities_references(records, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        hsds.import_services(records)

    for facility in Facility.objects.all():
        expected = {(Organisation, str(facility.organisation_id))}
        expected |= {(Location, str(sal.location_id)) for sal in facility.service_at_locations.all()}
        assert references_of(facility) == expected, facility.name
    for location in Location.objects.exclude(area=None):
        assert references_of(location) == {(type(location.area), str(location.area_id))}
    # The admin's usage count of an organisation counts its facilities.
    organisation = Facility.objects.first().organisation
    usage = ReferenceIndex.get_references_to(organisation).values_list("object_id", flat=True)
    assert set(usage) == {str(pk) for pk in organisation.facilities.values_list("pk", flat=True)}


def test_an_update_by_import_is_searchable_and_indexed_once_more(records, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        hsds.import_services(records)
    records[0]["description"] = "Nu ook spreekuur over zonnepanelen."
    with django_capture_on_commit_callbacks(execute=True):
        report = hsds.import_services(records)

    assert report.updated == 1 and report.unchanged == len(records) - 1
    result = search_facilities(FacilityQuery(text="zonnepanelen"))
    assert [str(f.pk) for f in result.facilities] == [records[0]["id"]]


def test_a_failed_import_leaves_the_search_index_alone(records, django_capture_on_commit_callbacks):
    records[1]["attributes"][0]["taxonomy_term"]["code"] = "bestaat-niet"
    with django_capture_on_commit_callbacks(execute=True):
        report = hsds.import_services(records)

    assert not report.written
    assert FacilitySearchDocument.objects.count() == 0


def test_deferred_indexing_indexes_saved_facilities_after_the_block(records, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        hsds.import_services(records)
    facility = Facility.objects.get(pk=records[0]["id"])

    with django_capture_on_commit_callbacks(execute=True):
        with deferred():
            facility.description = "Hulp bij de aanvraag van kinderopvangtoeslag."
            facility.save()
            facility.save()
            # Nothing indexed yet inside the block.
            assert "kinderopvangtoeslag" not in FacilitySearchDocument.objects.get(facility=facility).description

    result = search_facilities(FacilityQuery(text="kinderopvangtoeslag"))
    assert [f.pk for f in result.facilities] == [facility.pk]
