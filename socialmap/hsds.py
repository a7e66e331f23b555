"""HSDS 3.0 import and export of the social map (Open Referral Human Services Data Specification).

    report = import_services(records)              # a list of HSDS 3.0 service objects (dicts)
    report = import_services(records, dry_run=True)
    records = export_services()                     # the same shape, valid against the same schema

The import works in two phases. First every record is validated against the shipped schema
(`data/hsds/3.0/service_with_definitions.json`, JSON Schema Draft 2020-12) and then checked against the
database: taxonomy codes, wijk codes, field lengths and formats. A record that fails gets errors naming
its position, its id and the field. Only then is anything written: by default nothing at all when any
record failed (all-or-nothing); with `skip_invalid=True` the valid records are written and the invalid
ones listed. Dry-run stops after the first phase.

Ids are HSDS UUIDs and become our primary keys, so a second import of the same file updates (or leaves
alone) what the first created. Imported organisations, locations and facilities are published: live,
with a revision and an entry in Wagtail's log.

HSDS fields without a place of their own in our model travel as HSDS `attributes` with a `value`:
taxonomy `dichtbij`, codes `review-interval-days`, `slug` (service) and `wheelchair-accessible`
(location). The wijk of a location travels as a `wijk` attribute on the service (as the evaluation
sets do) and on the location itself; other areas (gebied) as a `gebied` attribute on the location.
"""

import json
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator

SCHEMA_FILE = Path(__file__).resolve().parent / "data" / "hsds" / "3.0" / "service_with_definitions.json"
TAXONOMY_CODES = ("levensdomein", "doelgroep", "toegang", "kosten")
INTERNAL_TAXONOMY = "dichtbij"
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# Derived ids (addresses, attributes, ...) that our model does not store are stable UUIDv5s.
NAMESPACE = uuid.UUID("0d5a3f4c-8f5e-4a61-9d0b-0c1f2a7e9b42")

INTERNAL_TERMS = {
    "review-interval-days": ("Controle-interval in dagen", "Na hoeveel dagen de gegevens opnieuw worden gecontroleerd."),
    "slug": ("Adres van de pagina", "Het laatste deel van het webadres van de voorziening."),
    "wheelchair-accessible": ("Rolstoeltoegankelijk", "true of false."),
}
LANGUAGE_NAMES = {
    "nl": "Nederlands", "en": "Engels", "de": "Duits", "fr": "Frans", "ar": "Arabisch", "tr": "Turks",
    "pl": "Pools", "uk": "Oekraïens", "ti": "Tigrinya", "so": "Somalisch", "fa": "Perzisch", "ru": "Russisch",
    "es": "Spaans", "pap": "Papiaments", "ber": "Berbers", "fy": "Fries", "nds": "Nedersaksisch", "sgn": "Gebarentaal",
}


def derived_id(*parts):
    return str(uuid.uuid5(NAMESPACE, ":".join(str(p) for p in parts)))


@lru_cache(maxsize=1)
def schema():
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def validator():
    return Draft202012Validator(schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)


def schema_errors(record):
    """Schema errors of one service object as (field path, message) pairs, in document order."""
    errors = sorted(validator().iter_errors(record), key=lambda e: [str(p) for p in e.absolute_path])
    return [("/".join(str(p) for p in e.absolute_path) or "(record)", e.message) for e in errors]


# -- Report --------------------------------------------------------------------------------------------


@dataclass
class RecordError:
    index: int  # position in the file, 0-based
    record_id: str
    field: str
    message: str

    def __str__(self):
        return _("Record %(number)s (id %(id)s), field %(field)s: %(message)s") % {
            "number": self.index + 1,
            "id": self.record_id or "?",
            "field": self.field,
            "message": self.message,
        }


@dataclass
class ImportReport:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    errors: list = field(default_factory=list)
    dry_run: bool = False
    written: bool = False
    new_ids: list = field(default_factory=list)
    existing_ids: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors

    @property
    def invalid_indexes(self):
        return sorted({e.index for e in self.errors})

    def add_error(self, index, record_id, field_name, message):
        self.errors.append(RecordError(index, str(record_id or ""), field_name, str(message)))

    def summary(self):
        if self.dry_run:
            return _(
                "Checked %(total)s records: %(valid)s correct (%(new)s new, %(existing)s already present), "
                "%(invalid)s with errors. Nothing was saved (trial run)."
            ) % {
                "total": self.total,
                "valid": self.total - len(self.invalid_indexes),
                "new": len(self.new_ids),
                "existing": len(self.existing_ids),
                "invalid": len(self.invalid_indexes),
            }
        if not self.written:
            return _("Nothing was saved: %(invalid)s of %(total)s records have errors.") % {
                "invalid": len(self.invalid_indexes),
                "total": self.total,
            }
        return _(
            "Saved %(total)s records: %(created)s new, %(updated)s changed, %(unchanged)s unchanged, "
            "%(skipped)s skipped because of errors."
        ) % {
            "total": self.total,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
        }


# -- Parsing: HSDS record -> plan ----------------------------------------------------------------------


@dataclass
class Plan:
    """What one service record asks for, in our model's terms (plain values, nothing saved)."""

    organisation: dict
    locations: list  # dicts of Location field values, with "id"
    facility: dict  # Facility field values, with "id" and "organisation_id"
    phones: list  # dicts: id, number, description
    service_at_locations: list  # dicts: id, location_id, opening_hours (raw stream), opening_hours_note
    term_ids: list
    area_ids: list  # areas served


class Lookups:
    """Taxonomy terms and areas, read once per import."""

    def __init__(self):
        from .models import Area, TaxonomyTerm

        terms = list(TaxonomyTerm.objects.all())
        self.terms = {(t.taxonomy, t.code): t.pk for t in terms}
        self.terms_by_pk = {t.pk: t for t in terms}
        areas = list(Area.objects.all())
        self.areas_by_pk = {a.pk: a for a in areas}
        self.areas_by_cbs = {a.cbs_code: a for a in areas if a.cbs_code}
        self.areas_by_slug = {a.slug: a for a in areas}
        self.areas_by_name = {a.name.lower(): a for a in areas}
        self.wijken = [a for a in areas if a.boundary and a.kind in ("wijk", "dorp")]

    def area_at(self, lat, lng, candidates=None):
        from .areas import point_in_geometry

        for area in candidates if candidates is not None else self.wijken:
            if area.boundary and point_in_geometry(lat, lng, area.boundary):
                return area
        return None


class RecordProblems(Exception):
    def __init__(self, problems):
        super().__init__(problems)
        self.problems = problems  # list of (field, message)


def _text(value):
    return "" if value is None else str(value)


def _parse_time(value):
    if value in (None, ""):
        return None
    for fmt in ("%H:%M:%S", "%H:%M"):
        try:
            return datetime.strptime(str(value)[:8], fmt).time().isoformat()
        except ValueError:
            continue
    raise ValueError(value)


def _parse_date(value):
    if value in (None, ""):
        return None
    return date.fromisoformat(str(value)[:10])


def _schedule_block(schedule, problems, prefix):
    days = [d.strip().upper() for d in _text(schedule.get("byday")).split(",") if d.strip()]
    # RFC 5545 allows an ordinal in front of the day (1MO); opening hours here are weekly.
    days = [d[-2:] for d in days]
    bad = [d for d in days if d not in WEEKDAYS]
    if bad:
        problems.append((f"{prefix}/byday", _("unknown day code(s): %(codes)s") % {"codes": ", ".join(bad)}))
    value = {"days": days, "opens_at": None, "closes_at": None, "note": _text(schedule.get("description"))[:200]}
    for key in ("opens_at", "closes_at"):
        try:
            value[key] = _parse_time(schedule.get(key))
        except ValueError:
            problems.append((f"{prefix}/{key}", _("not a time (HH:MM): %(value)s") % {"value": schedule.get(key)}))
    block_id = schedule.get("id") or derived_id("schedule", prefix)
    return {"type": "hours", "value": value, "id": str(block_id)}


def parse_record(record, lookups, organisations_seen=None):
    """Turn one (schema-valid) service record into a Plan; raises RecordProblems with every problem found."""
    from .models import Facility, FacilityPhone, Location, Organisation

    problems = []
    service_id = str(record["id"])

    # Organisation: nested, or an id we already know.
    org = record.get("organization")
    org_id = str((org or {}).get("id") or record.get("organization_id") or "")
    if org:
        org_phones = org.get("phones") or []
        organisation = {
            "id": str(org["id"]),
            "name": _text(org.get("name")),
            "description": _text(org.get("description")),
            "website": _text(org.get("website")),
            "email": _text(org.get("email")),
            "phone": _text(org_phones[0].get("number")) if org_phones else "",
        }
        if record.get("organization_id") and str(record["organization_id"]) != organisation["id"]:
            problems.append(("organization_id", _("does not match organization/id")))
    elif org_id and (
        (organisations_seen and org_id in organisations_seen) or Organisation.objects.filter(pk=org_id).exists()
    ):
        organisation = None
    else:
        problems.append(("organization", _("a facility needs an organisation (nested 'organization' object)")))
        organisation = None

    # Attributes: taxonomy terms, wijk codes and our own values.
    term_ids, wijk_areas, internal = [], [], {}
    for i, attribute in enumerate(record.get("attributes") or []):
        term = attribute.get("taxonomy_term") or {}
        taxonomy, code = _text(term.get("taxonomy")), _text(term.get("code"))
        where = f"attributes/{i}/taxonomy_term"
        if taxonomy in TAXONOMY_CODES:
            pk = lookups.terms.get((taxonomy, code))
            if pk is None:
                problems.append((f"{where}/code", _("unknown code '%(code)s' in taxonomy %(taxonomy)s") % {"code": code, "taxonomy": taxonomy}))
            elif pk not in term_ids:
                term_ids.append(pk)
        elif taxonomy == "wijk":
            area = lookups.areas_by_cbs.get(code)
            if area is None:
                problems.append((f"{where}/code", _("unknown district code '%(code)s'") % {"code": code}))
            elif area not in wijk_areas:
                wijk_areas.append(area)
        elif taxonomy == INTERNAL_TAXONOMY and code in INTERNAL_TERMS:
            internal[code] = _text(attribute.get("value"))
        else:
            problems.append((f"{where}/taxonomy", _("unknown taxonomy '%(taxonomy)s'") % {"taxonomy": taxonomy}))

    # Locations and the link to them, with opening hours.
    locations, sals = [], []
    service_schedules = record.get("schedules") or []
    for i, sal in enumerate(record.get("service_at_locations") or []):
        loc = sal.get("location")
        where = f"service_at_locations/{i}"
        if not loc:
            problems.append((f"{where}/location", _("the nested location is missing")))
            continue
        loc_id = str(loc["id"])
        address = next((a for a in loc.get("addresses") or [] if a.get("address_type") == "physical"), None) or next(
            iter(loc.get("addresses") or []), {}
        )
        lat, lng = loc.get("latitude"), loc.get("longitude")
        if (lat is None) != (lng is None):
            problems.append((f"{where}/location/latitude", _("give both latitude and longitude, or neither")))
        if lat is not None and not -90 <= lat <= 90:
            problems.append((f"{where}/location/latitude", _("latitude must lie between -90 and 90")))
        if lng is not None and not -180 <= lng <= 180:
            problems.append((f"{where}/location/longitude", _("longitude must lie between -180 and 180")))
        loc_internal, area = {}, None
        for j, attribute in enumerate(loc.get("attributes") or []):
            term = attribute.get("taxonomy_term") or {}
            taxonomy, code = _text(term.get("taxonomy")), _text(term.get("code"))
            if taxonomy == "wijk":
                area = lookups.areas_by_cbs.get(code)
            elif taxonomy == "gebied":
                area = lookups.areas_by_slug.get(code)
            elif taxonomy == INTERNAL_TAXONOMY and code in INTERNAL_TERMS:
                loc_internal[code] = _text(attribute.get("value"))
                continue
            else:
                problems.append((f"{where}/location/attributes/{j}", _("unknown taxonomy '%(taxonomy)s'") % {"taxonomy": taxonomy}))
                continue
            if area is None:
                problems.append((f"{where}/location/attributes/{j}", _("unknown area code '%(code)s'") % {"code": code}))
        if area is None and lat is not None and lng is not None:
            # The service's wijk attributes name the candidates; the position decides between them.
            if len(wijk_areas) == 1 and len(record.get("service_at_locations") or []) == 1:
                area = wijk_areas[0]
            else:
                area = lookups.area_at(lat, lng, wijk_areas) or lookups.area_at(lat, lng)
        wheelchair = loc_internal.get("wheelchair-accessible", "")
        accessibility = loc.get("accessibility") or []
        location = {
            "id": loc_id,
            "name": _text(loc.get("name")) or _text(address.get("address_1")) or _("Location"),
            "description": _text(loc.get("description")),
            "address_1": _text(address.get("address_1")),
            "postal_code": _text(address.get("postal_code")),
            "city": _text(address.get("city")),
            "state_province": _text(address.get("state_province")),
            "country": _text(address.get("country")),
            "latitude": lat,
            "longitude": lng,
            "area_id": area.pk if area else None,
            "wheelchair_accessible": {"true": True, "false": False}.get(wheelchair.lower()),
            "accessibility_note": _text(accessibility[0].get("description")) if accessibility else "",
            "transport_note": _text(loc.get("transportation")),
        }
        locations.append(location)
        blocks = [
            _schedule_block(s, problems, f"{where}/schedules/{k}") for k, s in enumerate(sal.get("schedules") or [])
        ]
        if not blocks and service_schedules:
            blocks = [
                _schedule_block(s, problems, f"schedules/{k}")
                if i == 0
                else {**_schedule_block(s, [], f"schedules/{k}"), "id": derived_id("schedule", s.get("id"), i)}
                for k, s in enumerate(service_schedules)
            ]
        sals.append(
            {
                "id": str(sal["id"]),
                "location_id": loc_id,
                "opening_hours": blocks,
                "opening_hours_note": _text(sal.get("description")),
            }
        )

    phones = [
        {"id": str(p["id"]), "number": _text(p.get("number")), "description": _text(p.get("description"))}
        for p in record.get("phones") or []
    ]
    languages = []
    for i, language in enumerate(record.get("languages") or []):
        code = _text(language.get("code")).strip().lower()
        if not code:
            problems.append((f"languages/{i}/code", _("a language needs a code, for example nl")))
        elif code not in languages:
            languages.append(code)

    area_ids = []
    for i, service_area in enumerate(record.get("service_areas") or []):
        extent_type, extent = _text(service_area.get("extent_type")), _text(service_area.get("extent"))
        area = (
            lookups.areas_by_cbs.get(extent)
            if extent_type == "cbs_code"
            else lookups.areas_by_slug.get(extent)
            if extent_type == "slug"
            else lookups.areas_by_name.get(_text(service_area.get("name")).lower())
        )
        if area is None:
            problems.append((f"service_areas/{i}", _("unknown area '%(name)s'") % {"name": service_area.get("name") or extent}))
        elif area.pk not in area_ids:
            area_ids.append(area.pk)

    try:
        last_verified = _parse_date(record.get("assured_date"))
    except ValueError:
        last_verified = None
        problems.append(("assured_date", _("not a date (YYYY-MM-DD)")))
    interval = internal.get("review-interval-days") or "365"
    if not interval.isdigit():
        problems.append(("attributes", _("review interval must be a whole number of days")))
        interval = "365"

    slug = internal.get("slug", "")
    if slug and Facility.objects.filter(slug=slug).exclude(pk=service_id).exists():
        problems.append(("attributes", _("the page address '%(slug)s' is already used by another facility") % {"slug": slug}))
    facility = {
        "id": service_id,
        "organisation_id": org_id,
        "name": _text(record.get("name")),
        "alternate_name": _text(record.get("alternate_name")),
        "slug": internal.get("slug", ""),
        "description": _text(record.get("description")),
        "status": record.get("status") or "active",
        "url": _text(record.get("url")),
        "email": _text(record.get("email")),
        "eligibility_description": _text(record.get("eligibility_description")),
        "fees_description": _text(record.get("fees_description")),
        "application_process": _text(record.get("application_process")),
        "minimum_age": int(record["minimum_age"]) if record.get("minimum_age") is not None else None,
        "maximum_age": int(record["maximum_age"]) if record.get("maximum_age") is not None else None,
        "languages": languages,
        "last_verified": last_verified,
        "review_interval_days": int(interval),
        "review_contact_email": _text(record.get("assurer_email")),
    }

    # Field lengths and formats, by the model's own validators (Dutch messages when Dutch is active).
    checks = [(Facility, facility, "", ["organisation", "slug"]), (FacilityPhone, None, "phones", ["facility"])]
    if organisation:
        checks.append((Organisation, organisation, "organization/", []))
    for model, values, prefix, exclude in checks:
        rows = [values] if values is not None else phones
        for n, row in enumerate(rows):
            data = {k: v for k, v in row.items() if not k.endswith("_id") or k == "organisation_id"}
            data.pop("organisation_id", None)
            instance = model(**data)
            try:
                instance.clean_fields(exclude=exclude + ["id"])
            except ValidationError as exc:
                where = prefix if values is not None else f"{prefix}/{n}/"
                for name, messages in exc.message_dict.items():
                    problems.extend((f"{where}{name}", m) for m in messages)
    for n, location in enumerate(locations):
        data = {k: v for k, v in location.items() if k != "area_id"}
        try:
            Location(**data).clean_fields(exclude=["id", "area"])
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                problems.extend((f"service_at_locations/{n}/location/{name}", m) for m in messages)

    if problems:
        raise RecordProblems(problems)
    return Plan(organisation, locations, facility, phones, sals, term_ids, area_ids)


# -- Comparable state (also used by the round-trip tests) ---------------------------------------------

ORGANISATION_FIELDS = ["name", "description", "website", "email", "phone"]
LOCATION_FIELDS = [
    "name", "description", "address_1", "postal_code", "city", "state_province", "country", "latitude", "longitude",
    "area_id", "wheelchair_accessible", "accessibility_note", "transport_note",
]
FACILITY_FIELDS = [
    "organisation_id", "name", "alternate_name", "slug", "description", "status", "url", "email",
    "eligibility_description", "fees_description", "application_process", "minimum_age", "maximum_age", "languages",
    "last_verified", "review_interval_days", "review_contact_email",
]


def _norm(value):
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (date, time)):
        return value.isoformat()
    return value


def organisation_state(org):
    return {"id": str(org.pk), **{f: _norm(getattr(org, f)) for f in ORGANISATION_FIELDS}}


def location_state(loc):
    return {"id": str(loc.pk), **{f: _norm(getattr(loc, f)) for f in LOCATION_FIELDS}}


def _stream_raw(value):
    raw = []
    for block in value.raw_data:
        block = dict(block)
        raw.append({"type": block["type"], "value": dict(block["value"]), "id": str(block.get("id"))})
    return raw


def facility_state(facility):
    """Everything an import sets on a facility and its children, as plain comparable values."""
    state = {"id": str(facility.pk), **{f: _norm(getattr(facility, f)) for f in FACILITY_FIELDS}}
    state["phones"] = [
        {"id": str(p.pk), "number": p.number, "description": p.description} for p in facility.phones.all()
    ]
    state["service_at_locations"] = [
        {
            "id": str(s.pk),
            "location_id": str(s.location_id),
            "opening_hours": _stream_raw(s.opening_hours),
            "opening_hours_note": s.opening_hours_note,
        }
        for s in facility.service_at_locations.all()
    ]
    state["term_ids"] = sorted(str(t.pk) for t in facility.terms.all())
    state["area_ids"] = sorted(a.pk for a in facility.areas_served.all())
    return state


def plan_facility_state(plan, existing_slug=""):
    state = {"id": plan.facility["id"], **{f: _norm(plan.facility[f]) for f in FACILITY_FIELDS}}
    if not state["slug"]:
        state["slug"] = existing_slug
    state["phones"] = plan.phones
    state["service_at_locations"] = plan.service_at_locations
    state["term_ids"] = sorted(str(t) for t in plan.term_ids)
    state["area_ids"] = sorted(plan.area_ids)
    return state


# -- Writing -------------------------------------------------------------------------------------------


def _publish(instance, user=None):
    revision = instance.save_revision(user=user, log_action=False)
    revision.publish(user=user, skip_permission_checks=True)


def _create_published(instance, user=None):
    """Save a new organisation, location or facility as published, in one write: what save() followed by
    _publish() leaves behind (the row live with a revision holding its content, a 'wagtail.publish' log
    entry, the `published` signal), without saving the object three times and reading it back from the
    revision. Only for objects that do not exist yet: updates go through Wagtail's own publishing."""
    import logging

    from django.utils import timezone
    from wagtail.log_actions import log
    from wagtail.models import Revision
    from wagtail.signals import published

    now = timezone.now()
    instance.live = True
    instance.created_at = instance.updated_at = now
    exclude = ["id"]  # new: ExistingRows found no such row (and the primary key guards it too)
    if hasattr(instance, "_unique_slug") and not instance.slug:
        instance.slug = instance._unique_slug()  # unique by construction
        exclude.append("slug")
    # As save_revision() does. The organisation and area come from this import or its checks (and the
    # database's foreign keys guard them as well): no query each to check they exist.
    field_names = {f.name for f in instance._meta.get_fields()}
    instance.full_clean(exclude=exclude + [f for f in ("organisation", "area") if f in field_names])
    revision = Revision.objects.create(
        content_object=instance,
        base_content_type=instance.get_base_content_type(),
        user=user,
        content=instance.serializable_data(),
        object_str=str(instance),
    )
    instance.latest_revision = instance.live_revision = revision
    instance.has_unpublished_changes = False
    instance.expired = False
    instance.first_published_at = instance.last_published_at = now
    instance.save()
    published.send(sender=type(instance), instance=instance, revision=revision)
    log(instance=instance, action="wagtail.publish", user=user, revision=revision, content_changed=True)
    logging.getLogger("wagtail").info('Published: "%s" pk=%s revision_id=%d', instance, instance.pk, revision.id)


def _key(pk):
    try:
        return str(uuid.UUID(str(pk)))
    except ValueError:
        return None


class ExistingRows:
    """The rows an import may update, read in one query per model (pk -> instance), so each record does
    not look its objects up again. A row written during the import is read afresh when asked again."""

    def __init__(self, model, pks, queryset=None):
        self.model = model
        queryset = queryset if queryset is not None else model.objects.all()
        keys = sorted({k for k in (_key(pk) for pk in pks) if k})
        self.rows = {}
        for start in range(0, len(keys), 500):
            self.rows.update({str(o.pk): o for o in queryset.filter(pk__in=keys[start : start + 500])})
        self.missing = set(keys) - set(self.rows)
        self.queryset = queryset

    def get(self, pk):
        key = _key(pk)
        if key in self.rows:
            return self.rows[key]
        if key in self.missing:
            return None
        return self.queryset.filter(pk=pk).first()

    def written(self, pk, instance=None):
        """Note a write: `instance` is what the row now holds (a new row), or None to read it afresh."""
        key = _key(pk)
        self.rows.pop(key, None)
        self.missing.discard(key)
        if instance is not None and key:
            self.rows[key] = instance


def existing_rows(plans):
    """ExistingRows for the organisations, locations and facilities that `plans` write."""
    from .models import Facility, Location, Organisation

    plans = list(plans)
    return {
        Organisation: ExistingRows(Organisation, [p.organisation["id"] for p in plans if p.organisation]),
        Location: ExistingRows(Location, [loc["id"] for p in plans for loc in p.locations]),
        Facility: ExistingRows(
            Facility,
            [p.facility["id"] for p in plans],
            Facility.objects.prefetch_related("phones", "service_at_locations", "terms", "areas_served"),
        ),
    }


@contextmanager
def deferred_search_indexing(written):
    """Index each written object once at the end instead of on every save (publishing saves an object
    three times), for Wagtail's search index (modelsearch) and for the facility search (search.indexing),
    and update Wagtail's reference index once per object (admin usage counts) instead of on every save.

    Disconnecting the modelsearch signal is process-wide, so a facility edited in the same process during
    an import is indexed by the next save or `update_index`. The reference index and the facility search
    are deferred per thread. The facility search is brought up to date after the transaction commits."""
    from django.apps import apps
    from django.db.models.signals import post_save
    from modelsearch.signal_handlers import post_save_signal_handler
    from wagtail.signal_handlers import disable_reference_index_auto_update

    from .models import Facility, Location, Organisation

    if apps.is_installed("search"):
        from search.indexing import deferred as deferred_facility_search
    else:  # pragma: no cover - the search app is part of the project
        deferred_facility_search = contextmanager(lambda: (yield))

    models = (Organisation, Location, Facility)
    disconnected = [m for m in models if post_save.disconnect(post_save_signal_handler, sender=m)]
    try:
        with deferred_facility_search(), disable_reference_index_auto_update():
            yield
            by_model = {}
            for instance in written:
                by_model.setdefault(type(instance), {})[instance.pk] = instance
            _update_reference_index(by_model)
            if disconnected:
                _update_search_index(by_model)
    finally:
        for model in disconnected:
            post_save.connect(post_save_signal_handler, sender=model)


def _related_names(model):
    """Child relations and ParentalManyToManyFields of a model: what to prefetch to read it whole."""
    from modelcluster.fields import ParentalManyToManyField
    from modelcluster.models import get_all_child_relations

    names = [rel.get_accessor_name() for rel in get_all_child_relations(model)]
    return names + [f.name for f in model._meta.get_fields() if isinstance(f, ParentalManyToManyField)]


def _update_reference_index(by_model):
    """What wagtail's update_reference_index_task does after each save, once per written object."""
    from wagtail.models import ReferenceIndex

    for model, instances in by_model.items():
        if not ReferenceIndex.is_indexed(model):
            continue
        queryset = model.objects.filter(pk__in=list(instances)).prefetch_related(*_related_names(model))
        with transaction.atomic():
            for instance in queryset:
                ReferenceIndex.create_or_update_for_object(instance)


def _update_search_index(by_model):
    import logging

    from modelsearch.backends import get_search_backends_with_name

    backends = list(get_search_backends_with_name(with_auto_update=True))
    for model, instances in by_model.items():
        # get_indexed_objects() leaves ParentalManyToManyFields (the terms) unprefetched.
        queryset = model.get_indexed_objects().filter(pk__in=list(instances)).prefetch_related(*_related_names(model))
        objects = list(queryset)
        if not objects:
            continue
        for name, backend in backends:
            try:
                backend.add_bulk(model, objects)
            except Exception:
                # As modelsearch does: an external engine being down must not undo the import.
                logging.getLogger(__name__).exception("Could not add %s to the '%s' search backend", model, name)
                if not backend.catch_indexing_errors:
                    raise


def _upsert_simple(model, values, state_fn, user, written, existing=None):
    """Create or update an organisation or location; returns 'created', 'updated' or 'unchanged'."""
    pk = values["id"]
    instance = existing.get(pk) if existing is not None else model.objects.filter(pk=pk).first()
    wanted = {"id": pk, **{k: _norm(v) for k, v in values.items() if k != "id"}}
    if instance is not None and state_fn(instance) == wanted and instance.live:
        return "unchanged"
    status = "created" if instance is None else "updated"
    instance = instance or model(pk=pk)
    for key, value in values.items():
        if key != "id":
            setattr(instance, key, value)
    if status == "created":
        _create_published(instance, user)
    else:
        instance.live = True
        instance.save()
        _publish(instance, user)
    if existing is not None:
        # A new row holds exactly what was set; an update went through Wagtail's publishing: read it afresh.
        existing.written(pk, instance if status == "created" and state_fn(instance) == wanted else None)
    written.append(instance)
    return status


def apply_plan(plan, lookups, user=None, written=None, existing=None):
    """Write one plan; returns 'created', 'updated' or 'unchanged' for the facility itself.

    existing: optional ExistingRows per model (see existing_rows()), to look objects up without a query each."""
    written = [] if written is None else written
    existing = existing or {}
    from .models import Facility, FacilityPhone, Location, Organisation, ServiceAtLocation

    if plan.organisation:
        _upsert_simple(Organisation, plan.organisation, organisation_state, user, written, existing.get(Organisation))
    for location in plan.locations:
        _upsert_simple(Location, location, location_state, user, written, existing.get(Location))

    facilities = existing.get(Facility)
    pk = plan.facility["id"]
    facility = facilities.get(pk) if facilities is not None else Facility.objects.filter(pk=pk).first()
    if facility is not None:
        wanted = plan_facility_state(plan, existing_slug=facility.slug)
        if facility.live and facility_state(facility) == wanted:
            return "unchanged"
    status = "created" if facility is None else "updated"
    facility = facility or Facility(pk=pk)
    for key, value in plan.facility.items():
        if key == "id" or (key == "slug" and not value and facility.slug):
            continue
        setattr(facility, key, value)
    facility.phones = [FacilityPhone(pk=p["id"], sort_order=i, **{k: v for k, v in p.items() if k != "id"}) for i, p in enumerate(plan.phones)]
    facility.service_at_locations = [
        ServiceAtLocation(
            pk=s["id"],
            sort_order=i,
            location_id=s["location_id"],
            opening_hours=s["opening_hours"],
            opening_hours_note=s["opening_hours_note"],
        )
        for i, s in enumerate(plan.service_at_locations)
    ]
    facility.terms = [lookups.terms_by_pk[pk] for pk in plan.term_ids]
    facility.areas_served = [lookups.areas_by_pk[pk] for pk in plan.area_ids]
    if status == "created":
        _create_published(facility, user)
    else:
        facility.live = True
        facility.save()
        _publish(facility, user)
    if facilities is not None:
        facilities.written(pk)
    written.append(facility)
    return status


def import_services(records, dry_run=False, atomic=True, progress=None, skip_invalid=False, user=None):
    """Import a list of HSDS 3.0 service objects. See the module docstring for the guarantees.

    progress: an optional callable, called with the number of records done after each record (twice per
    record when writing: once while checking, once while saving), e.g. a tqdm bar's `update`.
    """
    from .models import Facility

    report = ImportReport(dry_run=dry_run)
    if not isinstance(records, list):
        report.add_error(0, "", "(file)", _("the file must hold a JSON array of services"))
        return report
    report.total = len(records)
    lookups = Lookups()
    plans, seen_ids = {}, {}
    organisations_seen = {str((r.get("organization") or {}).get("id")) for r in records if isinstance(r, dict)}
    for index, record in enumerate(records):
        record_id = record.get("id", "") if isinstance(record, dict) else ""
        if not isinstance(record, dict):
            report.add_error(index, "", "(record)", _("not a JSON object"))
        else:
            problems = schema_errors(record)
            if not problems:
                if record_id in seen_ids:
                    problems = [("id", _("the same id is also used by record %(number)s") % {"number": seen_ids[record_id] + 1})]
                else:
                    seen_ids[record_id] = index
                    try:
                        plans[index] = parse_record(record, lookups, organisations_seen)
                    except RecordProblems as exc:
                        problems = exc.problems
            for field_name, message in problems:
                report.add_error(index, record_id, field_name, message)
        if progress:
            progress(1)

    existing = set(
        str(pk) for pk in Facility.objects.filter(pk__in=[p.facility["id"] for p in plans.values()]).values_list("pk", flat=True)
    )
    for plan in plans.values():
        (report.existing_ids if plan.facility["id"] in existing else report.new_ids).append(plan.facility["id"])
    if dry_run or (report.errors and not skip_invalid):
        return report

    report.skipped = len(report.invalid_indexes)

    def write():
        written = []
        existing = existing_rows(plans.values())
        with deferred_search_indexing(written):
            for index, plan in plans.items():
                outcome = apply_plan(plan, lookups, user=user, written=written, existing=existing)
                setattr(report, outcome, getattr(report, outcome) + 1)
                if progress:
                    progress(1)

    if atomic:
        with transaction.atomic():
            write()
    else:
        write()
    report.written = True
    return report


def load_file(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


# -- Export --------------------------------------------------------------------------------------------


def _internal_attribute(link_id, link_entity, code, value):
    name, description = INTERNAL_TERMS[code]
    return {
        "id": derived_id("attribute", link_id, INTERNAL_TAXONOMY, code),
        "link_id": str(link_id),
        "link_entity": link_entity,
        "link_type": code,
        "value": str(value),
        "taxonomy_term_id": derived_id("term", INTERNAL_TAXONOMY, code),
        "taxonomy_term": {
            "id": derived_id("term", INTERNAL_TAXONOMY, code),
            "code": code,
            "name": name,
            "description": description,
            "taxonomy": INTERNAL_TAXONOMY,
        },
    }


def _area_attribute(link_id, link_entity, area):
    taxonomy, code = ("wijk", area.cbs_code) if area.cbs_code and area.kind in ("wijk", "dorp") else ("gebied", area.slug)
    term_id = derived_id("term", taxonomy, code)
    return {
        "id": derived_id("attribute", link_id, taxonomy, code),
        "link_id": str(link_id),
        "link_entity": link_entity,
        "link_type": taxonomy,
        "taxonomy_term_id": term_id,
        "taxonomy_term": {"id": term_id, "code": code, "name": area.name, "description": area.get_kind_display(), "taxonomy": taxonomy},
    }


def _clean(obj):
    """Leave out empty strings and None: HSDS readers treat an absent field as unknown."""
    return {k: v for k, v in obj.items() if v not in ("", None)}


def export_location(loc):
    data = _clean(
        {
            "id": str(loc.pk),
            "location_type": "physical",
            "name": loc.name,
            "description": loc.description,
            "transportation": loc.transport_note,
            "latitude": loc.latitude,
            "longitude": loc.longitude,
        }
    )
    if loc.address_1 or loc.postal_code or loc.city:
        data["addresses"] = [
            {
                "id": derived_id("address", loc.pk),
                "location_id": str(loc.pk),
                "address_1": loc.address_1,
                "city": loc.city,
                "state_province": loc.state_province,
                "postal_code": loc.postal_code,
                "country": loc.country,
                "address_type": "physical",
            }
        ]
    if loc.accessibility_note:
        data["accessibility"] = [
            {"id": derived_id("accessibility", loc.pk), "location_id": str(loc.pk), "description": loc.accessibility_note}
        ]
    attributes = []
    if loc.area_id:
        attributes.append(_area_attribute(loc.pk, "location", loc.area))
    if loc.wheelchair_accessible is not None:
        attributes.append(
            _internal_attribute(loc.pk, "location", "wheelchair-accessible", "true" if loc.wheelchair_accessible else "false")
        )
    if attributes:
        data["attributes"] = attributes
    return data


def export_organisation(org):
    organisation = _clean(
        {"id": str(org.pk), "name": org.name, "description": org.description, "email": org.email, "website": org.website}
    )
    organisation.setdefault("description", "")  # required by the schema
    if org.phone:
        organisation["phones"] = [{"id": derived_id("phone", org.pk), "organization_id": str(org.pk), "number": org.phone}]
    return organisation


def export_service(facility):
    org = facility.organisation
    organisation = export_organisation(org)
    data = _clean(
        {
            "id": str(facility.pk),
            "organization_id": str(org.pk),
            "name": facility.name,
            "alternate_name": facility.alternate_name,
            "description": facility.description,
            "url": facility.url,
            "email": facility.email,
            "status": facility.status,
            "application_process": facility.application_process,
            "fees_description": facility.fees_description,
            "eligibility_description": facility.eligibility_description,
            "minimum_age": facility.minimum_age,
            "maximum_age": facility.maximum_age,
            "assured_date": facility.last_verified.isoformat() if facility.last_verified else None,
            "assurer_email": facility.review_contact_email,
            "last_modified": facility.updated_at.astimezone().isoformat() if facility.updated_at else None,
        }
    )
    data["organization"] = organisation
    data["phones"] = [
        _clean({"id": str(p.pk), "service_id": str(facility.pk), "number": p.number, "type": "voice", "description": p.description})
        for p in facility.phones.all()
    ]
    sals, service_wijken = [], []
    for sal in facility.service_at_locations.all():
        item = {
            "id": str(sal.pk),
            "service_id": str(facility.pk),
            "location_id": str(sal.location_id),
            "location": export_location(sal.location),
        }
        if sal.opening_hours_note:
            item["description"] = sal.opening_hours_note
        schedules = []
        for block in _stream_raw(sal.opening_hours):
            value = block["value"]
            schedule = {
                "id": block["id"],
                "service_at_location_id": str(sal.pk),
                "freq": "WEEKLY",
                "byday": ",".join(value.get("days") or []),
                "opens_at": value.get("opens_at"),
                "closes_at": value.get("closes_at"),
                "description": value.get("note"),
            }
            schedules.append(_clean(schedule))
        if schedules:
            item["schedules"] = schedules
        sals.append(item)
        area = sal.location.area
        if area and area.cbs_code and area.kind in ("wijk", "dorp") and area not in service_wijken:
            service_wijken.append(area)
    data["service_at_locations"] = sals
    if facility.languages:
        data["languages"] = [
            {"id": derived_id("language", facility.pk, code), "service_id": str(facility.pk), "name": LANGUAGE_NAMES.get(code, code), "code": code}
            for code in facility.languages
        ]
    areas_served = list(facility.areas_served.all())
    if areas_served:
        data["service_areas"] = [
            {
                "id": derived_id("service_area", facility.pk, a.pk),
                "service_id": str(facility.pk),
                "name": a.name,
                "extent_type": "cbs_code" if a.cbs_code else "slug",
                "extent": a.cbs_code or a.slug,
            }
            for a in areas_served
        ]
    attributes = []
    for term in sorted(facility.terms.all(), key=lambda t: (TAXONOMY_CODES.index(t.taxonomy), t.sort_order, t.code)):
        attributes.append(
            {
                "id": derived_id("attribute", facility.pk, term.taxonomy, term.code),
                "link_id": str(facility.pk),
                "link_entity": "service",
                "link_type": term.taxonomy,
                "taxonomy_term_id": str(term.pk),
                "taxonomy_term": {
                    "id": str(term.pk),
                    "code": term.code,
                    "name": term.name,
                    "description": term.description,
                    "taxonomy": term.taxonomy,
                },
            }
        )
    attributes += [_area_attribute(facility.pk, "service", a) for a in service_wijken]
    attributes.append(_internal_attribute(facility.pk, "service", "review-interval-days", facility.review_interval_days))
    attributes.append(_internal_attribute(facility.pk, "service", "slug", facility.slug))
    data["attributes"] = attributes
    return data


def export_queryset(include_unpublished=False):
    from django.db.models import Prefetch

    from .models import Facility, ServiceAtLocation

    queryset = Facility.objects.all() if include_unpublished else Facility.objects.filter(live=True)
    return queryset.select_related("organisation").prefetch_related(
        "phones",
        "terms",
        "areas_served",
        Prefetch("service_at_locations", queryset=ServiceAtLocation.objects.select_related("location__area").order_by("sort_order")),
    ).order_by("name", "pk")


def export_services(queryset=None, progress=None):
    """All live facilities as HSDS 3.0 service objects (valid against the shipped schema)."""
    services = []
    for facility in queryset if queryset is not None else export_queryset():
        services.append(export_service(facility))
        if progress:
            progress(1)
    return services
