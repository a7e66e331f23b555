"""CSV import and export: documented columns, Dutch per-row errors, idempotent by id, lossless round trip."""

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from wagtail.models import Revision

from socialmap import csvio, hsds
from socialmap.models import Facility, Location, Organisation, ServiceAtLocation

DATA = Path(__file__).resolve().parent / "data" / "hsds_small.json"
DOCS = Path(__file__).resolve().parent.parent.parent / "docs" / "csv-format.md"


@pytest.fixture
def imported(db):
    records = json.loads(DATA.read_text(encoding="utf-8"))
    assert hsds.import_services(records).ok
    return records


def export_text():
    handle = io.StringIO()
    csvio.export_csv(handle)
    return handle.getvalue()


def rows_of(text):
    return list(csv.DictReader(io.StringIO(text)))


def write_rows(rows, fieldnames=csvio.COLUMNS, delimiter=","):
    handle = io.StringIO()
    writer = csv.DictWriter(handle, fieldnames=fieldnames, delimiter=delimiter, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return handle.getvalue()


def empty_the_social_map():
    ServiceAtLocation.objects.all().delete()
    Facility.objects.all().delete()
    Location.objects.all().delete()
    Organisation.objects.all().delete()
    Revision.objects.all().delete()


def test_every_column_is_documented():
    text = DOCS.read_text(encoding="utf-8")
    for column in csvio.COLUMNS:
        assert f"`{column}`" in text, column


def test_export_has_one_row_per_facility_with_joined_values(imported):
    rows = rows_of(export_text())

    assert len(rows) == len(imported)
    velden = next(r for r in rows if r["id"] == imported[1]["id"])
    assert len(velden["location_ids"].split("|")) == 2
    assert len(velden["location_names"].split("|")) == 2
    loket = next(r for r in rows if r["name"] == "Sociaal Loket")
    assert loket["levensdomein"] == "informatie-advies"
    assert loket["languages"] == "nl|en|de"
    assert loket["opening_hours"] == "MO,TU,WE,TH,FR 08:30-17:00"
    assert loket["location_areas"] == "WK011440"


def test_csv_round_trip_into_an_empty_database_is_lossless_for_the_csv_columns(imported):
    first = export_text()
    empty_the_social_map()

    report = csvio.import_csv(first)

    assert report.ok, [str(e) for e in report.errors]
    assert Facility.objects.count() == len(imported)
    assert export_text() == first


def test_reimporting_the_export_changes_nothing(imported):
    text = export_text()
    revisions = Revision.objects.count()

    report = csvio.import_csv(text)

    assert report.hsds_report.unchanged == len(imported)
    assert Revision.objects.count() == revisions


def test_edit_in_a_spreadsheet_updates_the_facility_and_keeps_what_the_csv_has_no_column_for(imported):
    rows = rows_of(export_text())
    loket = next(r for r in rows if r["name"] == "Sociaal Loket")
    loket["name"] = "Sociaal Loket Emmen"
    loket["doelgroep"] = "iedereen|ouderen"
    facility = Facility.objects.get(pk=loket["id"])
    hours_note = facility.service_at_locations.get().opening_hours[0].value["note"]

    report = csvio.import_csv(write_rows(rows, delimiter=";"))  # Dutch spreadsheets write semicolons

    assert report.ok and report.hsds_report.updated == 1
    facility.refresh_from_db()
    assert facility.name == "Sociaal Loket Emmen"
    assert sorted(t.code for t in facility.terms.filter(taxonomy="doelgroep")) == ["iedereen", "ouderen"]
    assert facility.service_at_locations.get().opening_hours[0].value["note"] == hours_note


def test_new_row_without_ids_creates_facility_organisation_and_location(db):
    row = {c: "" for c in csvio.COLUMNS}
    row.update(
        name="Repair Café Angelslo", organisation_name="Stichting Repair Emmen", description="Samen spullen repareren.",
        levensdomein="meedoen-ontmoeten", location_names="Wijkcentrum Angelslo", location_addresses="Statenweg 1",
        location_postal_codes="7824 AB", location_cities="Emmen", location_latitudes="52.777",
        location_longitudes="6.925", opening_hours="SA 10:00-13:00",
    )

    report = csvio.import_csv(write_rows([row]))

    assert report.ok, [str(e) for e in report.errors]
    facility = Facility.objects.get(name="Repair Café Angelslo")
    assert facility.live and facility.organisation.name == "Stichting Repair Emmen"
    location = facility.service_at_locations.get().location
    assert location.area.cbs_code == "WK011443"  # Angelslo, found on the map
    assert facility.service_at_locations.get().opening_hours[0].value["days"] == ["SA"]


def test_bad_rows_give_dutch_errors_naming_row_and_column_and_save_nothing(db):
    good = {c: "" for c in csvio.COLUMNS}
    good.update(name="Inloop", organisation_name="Welzijn", description="Koffie.")
    bad = dict(good, name="", status="open", levensdomein="zorg", location_latitudes="95", location_longitudes="6.9",
               location_names="Huis", opening_hours="maandag 9-5", email="geen-adres")

    with translation.override("nl"):
        report = csvio.import_csv(write_rows([good, bad]))
        messages = [str(e) for e in report.errors]

    assert not report.written and Facility.objects.count() == 0
    columns = {e.column for e in report.errors}
    assert {"name", "status", "levensdomein", "location_latitudes", "opening_hours", "email"} <= columns
    assert all(e.row == 3 for e in report.errors)
    assert any(m.startswith("Rij 3, kolom name:") for m in messages), messages


def test_unknown_column_is_reported(db):
    report = csvio.import_csv("name,description,telefoon\nA,B,C\n")

    assert [e.column for e in report.errors] == ["telefoon"] and not report.written


def test_dry_run_saves_nothing(imported):
    rows = rows_of(export_text())
    rows[0]["name"] = "Anders"

    report = csvio.import_csv(write_rows(rows), dry_run=True)

    assert report.ok and not report.written
    assert not Facility.objects.filter(name="Anders").exists()


def test_csv_commands(tmp_path, imported):
    target = tmp_path / "kaart.csv"
    call_command("export_csv", str(target), "--no-progress", stdout=io.StringIO())
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets read UTF-8
    empty_the_social_map()

    call_command("import_csv", str(target), "--dry-run", "--no-progress", stdout=io.StringIO())
    assert Facility.objects.count() == 0
    call_command("import_csv", str(target), "--no-progress", stdout=io.StringIO())
    assert Facility.objects.count() == len(imported)

    broken = tmp_path / "kapot.csv"
    broken.write_text("name,description,status\nA,B,kapot\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_csv", str(broken), "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())


def test_skip_invalid_saves_the_good_rows_and_counts_the_bad(db):
    good = {c: "" for c in csvio.COLUMNS}
    good.update(name="Inloop", organisation_name="Welzijn", description="Koffie.")
    bad = dict(good, name="Kapot", status="open")

    report = csvio.import_csv(write_rows([good, bad]), skip_invalid=True)

    assert report.written and report.hsds_report.created == 1 and report.hsds_report.skipped == 1
    assert Facility.objects.filter(name="Inloop").exists() and not Facility.objects.filter(name="Kapot").exists()
    assert [e.row for e in report.errors] == [3]
