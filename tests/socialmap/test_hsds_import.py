"""HSDS 3.0 import and export: schema validation, idempotency, dry-run, all-or-nothing, lossless round trip."""

import copy
import json
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.models import Revision

from socialmap import hsds
from socialmap.models import Area, Facility, Location, Organisation, ServiceAtLocation

DATA = Path(__file__).resolve().parent / "data" / "hsds_small.json"


@pytest.fixture
def records():
    return json.loads(DATA.read_text(encoding="utf-8"))


def revisions_count():
    return Revision.objects.count()


@pytest.mark.django_db
def test_import_creates_published_objects_with_a_revision(records):
    report = hsds.import_services(records)

    assert report.ok and report.written
    assert report.created == len(records)
    loket = Facility.objects.get(pk=records[0]["id"])
    assert loket.live and loket.live_revision is not None
    assert loket.name == "Sociaal Loket"
    assert loket.organisation.name == "Gemeente Emmen" and loket.organisation.live
    assert loket.organisation.live_revision is not None
    assert sorted(t.code for t in loket.terms.all()) == ["gratis", "iedereen", "informatie-advies", "vrij-toegankelijk"]
    assert loket.languages == ["nl", "en", "de"]
    assert [p.number for p in loket.phones.all()] == ["0591-685500"]
    sal = loket.service_at_locations.get()
    assert sal.location.postal_code == "7811 AX" and sal.location.live and sal.location.live_revision is not None
    hours = sal.opening_hours[0].value
    assert hours["days"] == ["MO", "TU", "WE", "TH", "FR"] and hours["opens_at"].strftime("%H:%M") == "08:30"


@pytest.mark.django_db
def test_second_import_of_the_same_file_changes_nothing(records):
    hsds.import_services(records)
    before = revisions_count()

    report = hsds.import_services(records)

    assert report.unchanged == len(records) and report.created == report.updated == 0
    assert revisions_count() == before
    assert Facility.objects.count() == len(records)


@pytest.mark.django_db
def test_changed_record_updates_the_live_facility_with_a_new_revision(records):
    hsds.import_services(records)
    records[0]["name"] = "Sociaal Loket Emmen"

    report = hsds.import_services(records)

    assert report.updated == 1 and report.unchanged == len(records) - 1
    facility = Facility.objects.get(pk=records[0]["id"])
    assert facility.name == "Sociaal Loket Emmen"
    assert facility.revisions.count() == 2


@pytest.mark.django_db
def test_dry_run_reports_and_writes_nothing(records):
    report = hsds.import_services(records, dry_run=True)

    assert report.ok and not report.written
    assert len(report.new_ids) == len(records)
    assert Facility.objects.count() == Organisation.objects.count() == Location.objects.count() == 0
    assert "Nothing was saved" in report.summary() or "Er is niets opgeslagen" in report.summary()


@pytest.mark.django_db
def test_one_invalid_record_imports_nothing_and_names_record_and_field(records):
    bad = records[2]
    bad["status"] = "open"  # not in the HSDS enum
    records[3]["attributes"][0]["taxonomy_term"]["code"] = "zorg-en-welzijn"  # unknown levensdomein

    report = hsds.import_services(records)

    assert not report.written
    assert Facility.objects.count() == 0 and Organisation.objects.count() == 0
    assert report.invalid_indexes == [2, 3]
    first = report.errors[0]
    assert (first.index, first.record_id, first.field) == (2, bad["id"], "status")
    assert "Record 3" in str(first) or "Record 3" in str(first).replace("record", "Record")
    assert any(e.index == 3 and "zorg-en-welzijn" in e.message and e.field.endswith("taxonomy_term/code") for e in report.errors)


@pytest.mark.django_db
def test_skip_invalid_imports_the_valid_records(records):
    records[1]["id"] = "not-a-uuid"

    report = hsds.import_services(records, skip_invalid=True)

    assert report.written and report.skipped == 1 and report.created == len(records) - 1
    assert not Facility.objects.filter(name=records[1]["name"]).exists()
    assert report.errors[0].field == "id"


@pytest.mark.django_db
def test_field_too_long_and_bad_email_are_reported_per_field(records):
    records[0]["name"] = "x" * 250
    records[0]["organization"]["email"] = "info@emmen"  # passes the schema, not our validator

    report = hsds.import_services(records)

    fields = {e.field for e in report.errors if e.index == 0}
    assert "name" in fields and any(f.startswith("organization") and f.endswith("email") for f in fields)
    assert Facility.objects.count() == 0


@pytest.mark.django_db
def test_duplicate_id_in_one_file_is_an_error(records):
    records.append(copy.deepcopy(records[0]))

    report = hsds.import_services(records)

    assert report.invalid_indexes == [len(records) - 1] and not report.written


@pytest.mark.django_db
def test_wijk_attribute_sets_the_location_area(records):
    hsds.import_services(records)

    loket = Facility.objects.get(pk=records[0]["id"])
    assert loket.service_at_locations.get().location.area.cbs_code == "WK011440"
    velden = Facility.objects.get(pk=records[1]["id"])
    codes = {a["taxonomy_term"]["code"] for a in records[1]["attributes"] if a["link_type"] == "wijk"}
    assert {s.location.area.cbs_code for s in velden.service_at_locations.all()} == codes


@pytest.mark.django_db
def test_location_without_wijk_attribute_gets_its_area_from_the_map(records):
    record = records[0]
    record["attributes"] = [a for a in record["attributes"] if a["link_type"] != "wijk"]
    location = record["service_at_locations"][0]["location"]
    emmerhout = Area.objects.get(cbs_code="WK011444")
    location["latitude"], location["longitude"] = emmerhout.latitude, emmerhout.longitude

    hsds.import_services([record])

    assert Location.objects.get(pk=location["id"]).area == emmerhout


@pytest.mark.django_db
def test_export_validates_against_the_hsds_schema(records):
    hsds.import_services(records)

    exported = hsds.export_services()

    assert len(exported) == len(records)
    assert all(hsds.schema_errors(service) == [] for service in exported)
    loket = next(s for s in exported if s["id"] == records[0]["id"])
    assert loket["organization"]["name"] == "Gemeente Emmen"
    assert {a["taxonomy_term"]["code"] for a in loket["attributes"] if a["link_type"] == "levensdomein"} == {"informatie-advies"}
    assert loket["service_at_locations"][0]["schedules"][0]["byday"] == "MO,TU,WE,TH,FR"


# Bookkeeping fields that an export does not carry on purpose (they describe this database, not the data).
BOOKKEEPING = {
    "created_at", "updated_at", "latest_revision", "live_revision", "live", "has_unpublished_changes",
    "first_published_at", "last_published_at", "go_live_at", "expire_at", "expired", "locked", "locked_at",
    "locked_by", "review_requested_at",
}


def snapshot():
    """Every concrete field of every social-map object, child rows and relations included."""

    def fields(obj):
        return {
            f.attname: getattr(obj, f.attname)
            for f in obj._meta.concrete_fields
            if f.name not in BOOKKEEPING and f.attname not in BOOKKEEPING
        }

    state = {
        "organisations": {str(o.pk): fields(o) for o in Organisation.objects.all()},
        "locations": {str(loc.pk): fields(loc) for loc in Location.objects.all()},
        "facilities": {},
    }
    for facility in Facility.objects.all():
        data = fields(facility)
        data["phones"] = [fields(p) for p in facility.phones.all()]
        data["service_at_locations"] = [
            {**fields(s), "opening_hours": hsds._stream_raw(s.opening_hours)} for s in ServiceAtLocation.objects.filter(facility=facility).order_by("sort_order")
        ]
        data["terms"] = sorted(str(t.pk) for t in facility.terms.all())
        data["areas_served"] = sorted(a.pk for a in facility.areas_served.all())
        state["facilities"][str(facility.pk)] = data
    return state


def empty_the_social_map():
    ServiceAtLocation.objects.all().delete()
    Facility.objects.all().delete()
    Location.objects.all().delete()
    Organisation.objects.all().delete()
    Revision.objects.all().delete()


@pytest.mark.django_db
def test_export_then_import_into_an_empty_database_loses_nothing(records):
    hsds.import_services(records)
    # Fill in what the fixture leaves empty, so every field travels.
    facility = Facility.objects.get(pk=records[0]["id"])
    facility.last_verified = date(2026, 3, 1)
    facility.review_interval_days = 180
    facility.review_contact_email = "controle@emmen.nl"
    facility.minimum_age, facility.maximum_age = 18, 99
    facility.alternate_name = "Loket"
    facility.slug = "sociaal-loket-emmen"
    facility.areas_served = [Area.objects.get(slug="emmen-zuid"), Area.objects.get(cbs_code="WK011444")]
    facility.save()
    sal = facility.service_at_locations.first()
    sal.opening_hours_note = "Gesloten op feestdagen."
    sal.save()
    location = sal.location
    location.wheelchair_accessible = True
    location.accessibility_note = "Ingang met hellingbaan aan de zijkant."
    location.transport_note = "Bushalte Noorderplein op 100 meter."
    location.description = "Het stadskantoor."
    location.save()
    other = Location.objects.exclude(pk=location.pk).first()
    other.wheelchair_accessible = False
    other.area = Area.objects.get(slug="de-velden")  # a gebied, not a wijk
    other.save()
    org = facility.organisation
    org.phone = "14 0591"
    org.email = "info@emmen.nl"
    org.save()

    before = snapshot()
    exported = json.loads(json.dumps(hsds.export_services()))
    assert all(hsds.schema_errors(s) == [] for s in exported)

    empty_the_social_map()
    assert Facility.objects.count() == 0
    report = hsds.import_services(exported)

    assert report.ok and report.created == len(records)
    after = snapshot()
    assert after["organisations"] == before["organisations"]
    assert after["locations"] == before["locations"]
    assert after["facilities"] == before["facilities"]


@pytest.mark.django_db
def test_import_and_export_commands(tmp_path, records):
    source = tmp_path / "in.json"
    source.write_text(json.dumps(records), encoding="utf-8")
    call_command("import_hsds", str(source), "--dry-run", "--no-progress", stdout=open(tmp_path / "o1", "w"))
    assert Facility.objects.count() == 0

    call_command("import_hsds", str(source), "--no-progress", stdout=open(tmp_path / "o2", "w"))
    assert Facility.objects.count() == len(records)

    target = tmp_path / "out.json"
    call_command("export_hsds", str(target), "--no-progress", stdout=open(tmp_path / "o3", "w"))
    exported = json.loads(target.read_text(encoding="utf-8"))
    assert {s["id"] for s in exported} == {r["id"] for r in records}


@pytest.mark.django_db
def test_import_command_fails_on_invalid_file_and_saves_nothing(tmp_path, records):
    records[0]["service_at_locations"][0]["location"]["latitude"] = "52,78"
    source = tmp_path / "in.json"
    source.write_text(json.dumps(records), encoding="utf-8")

    with pytest.raises(CommandError):
        call_command("import_hsds", str(source), "--no-progress", stdout=open(tmp_path / "o", "w"), stderr=open(tmp_path / "e", "w"))

    assert Facility.objects.count() == 0
    assert "latitude" in (tmp_path / "e").read_text()


@pytest.mark.django_db
def test_file_that_is_not_a_list_is_rejected():
    report = hsds.import_services({"id": "x"})

    assert not report.ok and not report.written
