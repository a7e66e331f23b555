"""CSV import and export of the social map for spreadsheet users: one row per facility.

The column layout is documented in docs/csv-format.md (COLUMNS below is the source of truth). Several
values in one cell are joined with "|"; the location columns are aligned ("|" separates the locations
of one facility, in the same order in every location column); opening hours separate the blocks of one
location with ";".

An import turns every row into an HSDS 3.0 service and hands the lot to `socialmap.hsds.import_services`,
so it has the same guarantees: schema validation, idempotent by id, all-or-nothing unless asked,
dry-run, published with a revision. For a facility that already exists the row is laid over its
current HSDS export, so what the CSV has no column for (phone ids, notes with opening hours,
accessibility notes, organisation details) is kept. Rows are checked first, with Dutch messages that
name the row and the column.
"""

import csv
import io
import re
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _

from . import hsds

SEP = "|"
BLOCK_SEP = ";"
COLUMNS = [
    "id", "name", "alternate_name", "organisation_id", "organisation_name", "description", "status", "url", "email",
    "phones", "phone_descriptions", "eligibility_description", "fees_description", "application_process",
    "minimum_age", "maximum_age", "languages", "levensdomein", "doelgroep", "toegang", "kosten", "areas_served",
    "location_ids", "location_names", "location_addresses", "location_postal_codes", "location_cities",
    "location_latitudes", "location_longitudes", "location_areas", "opening_hours", "last_verified",
    "review_interval_days", "review_contact_email",
]
REQUIRED = ["name", "description"]
STATUSES = ["active", "inactive", "defunct", "temporarily closed"]
LOCATION_COLUMNS = [
    "location_ids", "location_names", "location_addresses", "location_postal_codes", "location_cities",
    "location_latitudes", "location_longitudes", "location_areas", "opening_hours",
]
HOURS_RE = re.compile(r"^\s*(?P<days>[A-Za-z]{2}(?:\s*,\s*[A-Za-z]{2})*)\s+(?P<opens>\d{1,2}[:.]\d{2})\s*-\s*(?P<closes>\d{1,2}[:.]\d{2})\s*$")


def split(value, sep=SEP):
    value = (value or "").strip()
    return [part.strip() for part in value.split(sep)] if value else []


def join(values, sep=SEP):
    return sep.join("" if v is None else str(v) for v in values)


# -- Export --------------------------------------------------------------------------------------------


def format_hours(blocks):
    """Opening-hours blocks (raw stream data) as 'MO,TU 09:00-17:00; WE 09:00-12:00'."""
    parts = []
    for block in blocks:
        value = block["value"]
        opens, closes = (value.get("opens_at") or "")[:5], (value.get("closes_at") or "")[:5]
        if value.get("days") and opens and closes:
            parts.append(f"{','.join(value['days'])} {opens}-{closes}")
    return join(parts, BLOCK_SEP + " ")


def _area_code(area):
    return (area.cbs_code if area.cbs_code and area.kind in ("wijk", "dorp") else area.slug) if area else ""


def _number(value):
    if value is None:
        return ""
    return repr(value) if isinstance(value, float) else str(value)


def facility_row(facility):
    sals = list(facility.service_at_locations.all())
    locations = [s.location for s in sals]
    terms = sorted(facility.terms.all(), key=lambda t: (t.sort_order, t.code))
    row = {
        "id": str(facility.pk),
        "name": facility.name,
        "alternate_name": facility.alternate_name,
        "organisation_id": str(facility.organisation_id),
        "organisation_name": facility.organisation.name,
        "description": facility.description,
        "status": facility.status,
        "url": facility.url,
        "email": facility.email,
        "phones": join(p.number for p in facility.phones.all()),
        "phone_descriptions": join(p.description for p in facility.phones.all()),
        "eligibility_description": facility.eligibility_description,
        "fees_description": facility.fees_description,
        "application_process": facility.application_process,
        "minimum_age": _number(facility.minimum_age),
        "maximum_age": _number(facility.maximum_age),
        "languages": join(facility.languages or []),
        "areas_served": join(_area_code(a) for a in facility.areas_served.all()),
        "location_ids": join(str(loc.pk) for loc in locations),
        "location_names": join(loc.name for loc in locations),
        "location_addresses": join(loc.address_1 for loc in locations),
        "location_postal_codes": join(loc.postal_code for loc in locations),
        "location_cities": join(loc.city for loc in locations),
        "location_latitudes": join(_number(loc.latitude) for loc in locations),
        "location_longitudes": join(_number(loc.longitude) for loc in locations),
        "location_areas": join(_area_code(loc.area) for loc in locations),
        "opening_hours": join(format_hours(hsds._stream_raw(s.opening_hours)) for s in sals),
        "last_verified": facility.last_verified.isoformat() if facility.last_verified else "",
        "review_interval_days": str(facility.review_interval_days),
        "review_contact_email": facility.review_contact_email,
    }
    for taxonomy in hsds.TAXONOMY_CODES:
        row[taxonomy] = join(t.code for t in terms if t.taxonomy == taxonomy)
    return row


def export_csv(handle, queryset=None, progress=None):
    """Write the facilities (default: every live one) as CSV to a text handle; returns the row count."""
    writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for facility in queryset if queryset is not None else hsds.export_queryset():
        writer.writerow(facility_row(facility))
        count += 1
        if progress:
            progress(1)
    return count


# -- Import --------------------------------------------------------------------------------------------


@dataclass
class RowError:
    row: int  # line number in the file (the header is line 1)
    column: str
    message: str

    def __str__(self):
        return _("Row %(row)s, column %(column)s: %(message)s") % {"row": self.row, "column": self.column, "message": self.message}


def read_rows(data):
    """Rows of a CSV file as dicts. Accepts bytes or text, comma or semicolon, with or without a BOM."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            data = data.decode("cp1252")
    data = data.lstrip("\ufeff")
    first_line = data.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(data, newline=""), delimiter=delimiter)
    return reader.fieldnames or [], list(reader)


def _term(taxonomy, code, lookups):
    pk = lookups.terms[(taxonomy, code)]
    term = lookups.terms_by_pk[pk]
    return {
        "id": hsds.derived_id("attribute-csv", taxonomy, code),
        "link_entity": "service",
        "link_type": taxonomy,
        "taxonomy_term_id": str(term.pk),
        "taxonomy_term": {"id": str(term.pk), "code": code, "name": term.name, "description": term.description, "taxonomy": taxonomy},
    }


def _area_attribute(code, lookups, link_id, entity):
    area = lookups.areas_by_cbs.get(code) or lookups.areas_by_slug.get(code)
    return hsds._area_attribute(link_id, entity, area)


def _resolve_area(code, lookups):
    return lookups.areas_by_cbs.get(code) or lookups.areas_by_slug.get(code)


def check_row(line, row, lookups, errors):
    """Check one row; appends RowErrors with Dutch messages (through gettext)."""

    def err(column, message):
        errors.append(RowError(line, column, message))

    for column in REQUIRED:
        if not (row.get(column) or "").strip():
            err(column, _("this column is required"))
    if row.get("id"):
        try:
            uuid.UUID(row["id"])
        except ValueError:
            err("id", _("not a valid id (UUID); leave it empty for a new facility"))
    if row.get("organisation_id"):
        try:
            uuid.UUID(row["organisation_id"])
        except ValueError:
            err("organisation_id", _("not a valid id (UUID)"))
    if not (row.get("organisation_id") or row.get("organisation_name")):
        err("organisation_name", _("give the organisation's name or id"))
    if row.get("status") and row["status"] not in STATUSES:
        err("status", _("choose one of: %(values)s") % {"values": ", ".join(STATUSES)})
    for column in ("url",):
        if row.get(column):
            try:
                URLValidator()(row[column])
            except ValidationError:
                err(column, _("not a valid web address (begin with https://)"))
    for column in ("email", "review_contact_email"):
        if row.get(column):
            try:
                EmailValidator()(row[column])
            except ValidationError:
                err(column, _("not a valid email address"))
    for column in ("minimum_age", "maximum_age", "review_interval_days"):
        if row.get(column) and not row[column].strip().isdigit():
            err(column, _("give a whole number"))
    if row.get("review_interval_days", "").strip().isdigit() and not 7 <= int(row["review_interval_days"]) <= 3650:
        err("review_interval_days", _("give a number of days between 7 and 3650"))
    if row.get("last_verified"):
        try:
            hsds._parse_date(row["last_verified"])
        except ValueError:
            err("last_verified", _("not a date; write it as YYYY-MM-DD, for example 2026-03-01"))
    for taxonomy in hsds.TAXONOMY_CODES:
        for code in split(row.get(taxonomy)):
            if (taxonomy, code) not in lookups.terms:
                err(taxonomy, _("unknown code '%(code)s'") % {"code": code})
    for column in ("areas_served",):
        for code in split(row.get(column)):
            if not _resolve_area(code, lookups):
                err(column, _("unknown area '%(code)s'") % {"code": code})
    counts = {c: len(split(row.get(c))) for c in LOCATION_COLUMNS if (row.get(c) or "").strip()}
    n = max(counts.values(), default=0)
    for column, count in counts.items():
        if count not in (0, n) and not (column in ("location_ids", "opening_hours", "location_areas") and count <= n):
            err(column, _("%(count)s values, but the other location columns have %(n)s") % {"count": count, "n": n})
    for i, code in enumerate(split(row.get("location_areas"))):
        if code and not _resolve_area(code, lookups):
            err("location_areas", _("unknown area '%(code)s'") % {"code": code})
    for column, low, high in (("location_latitudes", -90, 90), ("location_longitudes", -180, 180)):
        for value in split(row.get(column)):
            if not value:
                continue
            try:
                number = float(value.replace(",", "."))
            except ValueError:
                err(column, _("'%(value)s' is not a number (use a point: 52.78)") % {"value": value})
                continue
            if not low <= number <= high:
                err(column, _("%(value)s lies outside %(low)s to %(high)s") % {"value": value, "low": low, "high": high})
    for location_hours in split(row.get("opening_hours")):
        for block in split(location_hours, BLOCK_SEP):
            match = HOURS_RE.match(block)
            if not match or any(d.strip().upper() not in hsds.WEEKDAYS for d in match["days"].split(",")):
                err("opening_hours", _("'%(value)s' is not understood; write for example MO,TU 09:00-17:00") % {"value": block})
    for location_id in split(row.get("location_ids")):
        if location_id:
            try:
                uuid.UUID(location_id)
            except ValueError:
                err("location_ids", _("not a valid id (UUID)"))


def _parse_hours(text, sal_id):
    blocks = []
    for block in split(text, BLOCK_SEP):
        match = HOURS_RE.match(block)
        days = [d.strip().upper() for d in match["days"].split(",")]
        blocks.append(
            {
                "id": hsds.derived_id("schedule-csv", sal_id, block),
                "freq": "WEEKLY",
                "byday": ",".join(days),
                "opens_at": match["opens"].replace(".", ":").zfill(5) + ":00",
                "closes_at": match["closes"].replace(".", ":").zfill(5) + ":00",
            }
        )
    return blocks


def row_to_service(row, lookups, existing, organisations_by_name):
    """One checked row -> an HSDS service object, laid over the facility's current export when it exists."""
    from .models import Location

    facility_id = row.get("id") or str(uuid.uuid4())
    current = existing.get(facility_id)
    service = current or {"id": facility_id, "attributes": []}

    # Organisation: by id, else by exact name, else a new one.
    org_id = row.get("organisation_id") or organisations_by_name.get((row.get("organisation_name") or "").strip().lower())
    if not org_id:
        org_id = str(uuid.uuid5(hsds.NAMESPACE, "organisation:" + row["organisation_name"].strip().lower()))
        organisations_by_name[row["organisation_name"].strip().lower()] = org_id
    organisation = dict(service.get("organization") or {}) if (service.get("organization") or {}).get("id") == org_id else {}
    if not organisation:
        from .models import Organisation

        org = Organisation.objects.filter(pk=org_id).first()
        organisation = (
            hsds.export_organisation(org) if org else {"id": org_id, "description": ""}
        )
    if row.get("organisation_name"):
        organisation["name"] = row["organisation_name"]
    service["organization"] = organisation
    service["organization_id"] = org_id

    for column in ("name", "alternate_name", "description", "url", "email", "eligibility_description",
                   "fees_description", "application_process"):
        value = (row.get(column) or "").strip()
        if value:
            service[column] = value
        else:
            service.pop(column, None)
    service["status"] = row.get("status") or "active"
    for column in ("minimum_age", "maximum_age"):
        if row.get(column):
            service[column] = int(row[column])
        else:
            service.pop(column, None)
    if row.get("last_verified"):
        service["assured_date"] = hsds._parse_date(row["last_verified"]).isoformat()
    else:
        service.pop("assured_date", None)
    if row.get("review_contact_email"):
        service["assurer_email"] = row["review_contact_email"]
    else:
        service.pop("assurer_email", None)

    old_phones = {(p.get("number"), i): p for i, p in enumerate(service.get("phones") or [])}
    descriptions = split(row.get("phone_descriptions"))
    phones = []
    for i, number in enumerate(split(row.get("phones"))):
        old = old_phones.get((number, i))
        phone = {"id": old["id"] if old else hsds.derived_id("phone-csv", facility_id, i, number), "number": number, "type": "voice"}
        if i < len(descriptions) and descriptions[i]:
            phone["description"] = descriptions[i]
        phones.append(phone)
    service["phones"] = phones

    codes = split(row.get("languages"))
    service["languages"] = [
        {"id": hsds.derived_id("language", facility_id, c), "code": c.lower(), "name": hsds.LANGUAGE_NAMES.get(c.lower(), c)} for c in codes
    ]
    served = [_resolve_area(c, lookups) for c in split(row.get("areas_served"))]
    service["service_areas"] = [
        {"id": hsds.derived_id("service_area", facility_id, a.pk), "name": a.name,
         "extent_type": "cbs_code" if a.cbs_code else "slug", "extent": a.cbs_code or a.slug}
        for a in served
    ]

    # Attributes: our four taxonomies come from the row; everything else (internal values) is kept.
    kept = [
        a for a in service.get("attributes") or []
        if (a.get("taxonomy_term") or {}).get("taxonomy") not in hsds.TAXONOMY_CODES + ("wijk",)
        and (a.get("taxonomy_term") or {}).get("code") != "review-interval-days"
    ]
    attributes = [_term(t, code, lookups) for t in hsds.TAXONOMY_CODES for code in split(row.get(t))]
    if row.get("review_interval_days"):
        attributes.append(hsds._internal_attribute(facility_id, "service", "review-interval-days", int(row["review_interval_days"])))
    service["attributes"] = attributes + kept

    # Locations, aligned by position.
    columns = {c: split(row.get(c)) for c in LOCATION_COLUMNS}
    n = max((len(v) for v in columns.values()), default=0)
    old_sals = {s["location_id"]: s for s in service.get("service_at_locations") or []}
    sals = []
    for i in range(n):
        def cell(column, i=i):
            values = columns[column]
            return values[i] if i < len(values) else ""

        location_id = cell("location_ids") or hsds.derived_id("location-csv", facility_id, i, cell("location_names"))
        old_sal = old_sals.get(location_id)
        if old_sal:
            location = dict(old_sal["location"])
        else:
            loc = Location.objects.filter(pk=location_id).first()
            location = hsds.export_location(loc) if loc else {"id": location_id, "location_type": "physical"}
        location["name"] = cell("location_names") or location.get("name") or cell("location_addresses")
        address = dict((location.get("addresses") or [{}])[0])
        address.update(
            {
                "id": address.get("id") or hsds.derived_id("address", location_id),
                "address_1": cell("location_addresses"),
                "postal_code": cell("location_postal_codes"),
                "city": cell("location_cities"),
                "state_province": address.get("state_province", ""),
                "country": address.get("country", "NL"),
                "address_type": "physical",
            }
        )
        location["addresses"] = [address] if (address["address_1"] or address["postal_code"] or address["city"]) else []
        for key, column in (("latitude", "location_latitudes"), ("longitude", "location_longitudes")):
            if cell(column):
                location[key] = float(cell(column).replace(",", "."))
            else:
                location.pop(key, None)
        location["attributes"] = [
            a for a in location.get("attributes") or [] if (a.get("taxonomy_term") or {}).get("taxonomy") not in ("wijk", "gebied")
        ]
        if cell("location_areas"):
            location["attributes"].append(_area_attribute(cell("location_areas"), lookups, location_id, "location"))
        sal_id = old_sal["id"] if old_sal else hsds.derived_id("sal-csv", facility_id, location_id)
        sal = dict(old_sal) if old_sal else {"id": sal_id, "location_id": location_id}
        sal["location"] = location
        old_hours = format_hours(
            [{"value": {"days": s.get("byday", "").split(","), "opens_at": s.get("opens_at"), "closes_at": s.get("closes_at")}}
             for s in (old_sal or {}).get("schedules") or []]
        )
        if cell("opening_hours") != old_hours:
            sal["schedules"] = _parse_hours(cell("opening_hours"), sal_id)
        sals.append(sal)
    service["service_at_locations"] = sals
    service.pop("schedules", None)
    return service


@dataclass
class CsvImportReport:
    rows: int = 0
    row_errors: list = None
    hsds_report: object = None
    dry_run: bool = False

    lines: list = None  # CSV line of each record handed to the HSDS import

    @property
    def errors(self):
        """Every problem as a RowError: HSDS errors name the record, which becomes the CSV line here."""
        errors = list(self.row_errors or [])
        for error in self.hsds_report.errors if self.hsds_report else []:
            line = self.lines[error.index] if self.lines and error.index < len(self.lines) else error.index + 2
            errors.append(RowError(line, error.field, error.message))
        return errors

    @property
    def ok(self):
        return not self.errors

    @property
    def written(self):
        return bool(self.hsds_report and self.hsds_report.written)

    def summary(self):
        if self.hsds_report is None:
            return _("Nothing was saved: %(count)s problem(s) in the file.") % {"count": len(self.row_errors)}
        return self.hsds_report.summary()


def import_csv(data, dry_run=False, skip_invalid=False, progress=None, user=None):
    """Import CSV (bytes or text). Row errors stop everything (nothing saved) unless skip_invalid."""
    from .models import Organisation

    report = CsvImportReport(row_errors=[], dry_run=dry_run)
    fieldnames, rows = read_rows(data)
    report.rows = len(rows)
    missing = [c for c in REQUIRED if c not in fieldnames]
    unknown = [c for c in fieldnames if c not in COLUMNS]
    if missing or unknown:
        for column in missing:
            report.row_errors.append(RowError(1, column, _("this column is missing from the first row")))
        for column in unknown:
            report.row_errors.append(RowError(1, column, _("unknown column (see the description of the CSV layout)")))
        return report
    lookups = hsds.Lookups()
    bad_lines = set()
    for number, row in enumerate(rows, start=2):
        before = len(report.row_errors)
        row = {k: (v or "").strip() for k, v in row.items() if k}
        rows[number - 2] = row
        check_row(number, row, lookups, report.row_errors)
        if len(report.row_errors) > before:
            bad_lines.add(number)
    if report.row_errors and not skip_invalid:
        return report

    ids = [r["id"] for r in rows if r.get("id")]
    existing = {str(f.pk): hsds.export_service(f) for f in hsds.export_queryset(include_unpublished=True).filter(pk__in=ids)}
    organisations_by_name = {name.strip().lower(): str(pk) for pk, name in Organisation.objects.values_list("pk", "name")}
    services, lines = [], []
    for number, row in enumerate(rows, start=2):
        if number in bad_lines:
            continue
        services.append(row_to_service(row, lookups, existing, organisations_by_name))
        lines.append(number)
    report.hsds_report = hsds.import_services(services, dry_run=dry_run, skip_invalid=skip_invalid, progress=progress, user=user)
    report.lines = lines
    if report.hsds_report.written:
        report.hsds_report.skipped += len(bad_lines)  # rows refused by the CSV checks
        report.hsds_report.total += len(bad_lines)
    return report
