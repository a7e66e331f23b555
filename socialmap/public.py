"""What the public pages show about a facility: readable opening hours, addresses, route links,
languages, tags and schema.org JSON-LD. Functions the templates and tests call directly."""

import json
import uuid
from urllib.parse import quote, urlencode

from django.db.models import Prefetch
from django.utils import formats
from django.utils.dates import WEEKDAYS
from django.utils.safestring import mark_safe
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

DAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
SCHEMA_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026", 0x2028: "\\u2028", 0x2029: "\\u2029"}


def get_public_facility(slug):
    """The live, active facility with this slug and everything its page shows, in three queries whatever
    its size (facility with organisation, its small relations, its locations), or None."""
    from .models import Facility, ServiceAtLocation

    facility = (
        Facility.objects.filter(slug=slug, live=True, status=Facility.ACTIVE)
        .select_related("organisation")
        .prefetch_related(
            Prefetch(
                "service_at_locations",
                queryset=ServiceAtLocation.objects.filter(location__live=True)
                .select_related("location__area__parent")
                .order_by("sort_order"),
            ),
        )
        .first()
    )
    if facility is not None:
        prefetch_small_relations(facility)
    return facility


def loaded_instance(model, db, **values):
    """A model instance as the database would have returned it with only these fields (others deferred)."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(db, names, [values[name] for name in names])


def prefetch_small_relations(facility):
    """Load the facility's terms, areas served and phones in one query (a UNION ALL of three narrow
    selects) instead of one prefetch each, and hand them to the related managers as prefetch_related
    would: facility.terms.all(), .areas_served.all() and .phones.all() then cost no query. Fields not
    selected here are deferred (loaded on access), never wrong."""
    from django.db import router
    from django.db.models import IntegerField, TextField, Value
    from django.db.models.functions import Cast

    from .models import Area, FacilityPhone, TaxonomyTerm

    text = TextField()

    def kind(name):
        return Value(name, output_field=text)

    terms = TaxonomyTerm.objects.filter(facilities=facility).order_by().values_list(
        kind("term"), Cast("id", text), "taxonomy", "code", "name", "sort_order")
    areas = Area.objects.filter(facilities_served=facility).order_by().values_list(
        kind("area"), Cast("id", text), "kind", "slug", "name", Value(0, output_field=IntegerField()))
    phones = FacilityPhone.objects.filter(facility=facility).order_by().values_list(
        kind("phone"), Cast("id", text), "number", "description", Value("", output_field=text), "sort_order")
    found = {"term": [], "area": [], "phone": []}
    for row in terms.union(areas, phones, all=True):
        found[row[0]].append(row[1:])
    db = router.db_for_read(TaxonomyTerm)
    loaded = {
        "terms": sorted(
            (loaded_instance(TaxonomyTerm, db, id=uuid.UUID(pk), taxonomy=a, code=b, name=c, sort_order=n) for pk, a, b, c, n in found["term"]),
            key=lambda t: (t.taxonomy, t.sort_order, t.name),  # TaxonomyTerm.Meta.ordering
        ),
        "areas_served": sorted(
            (loaded_instance(Area, db, id=int(pk), kind=a, slug=b, name=c) for pk, a, b, c, _n in found["area"]),
            key=lambda a: a.name,
        ),
        "phones": sorted(
            (loaded_instance(FacilityPhone, db, id=uuid.UUID(pk), number=a, description=b, sort_order=n, facility_id=facility.pk)
             for pk, a, b, _c, n in found["phone"]),
            key=lambda p: (p.sort_order is None, p.sort_order or 0),  # Orderable: sort_order may be empty
        ),
    }
    cache = facility.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, objects in loaded.items():
        # What prefetch_related stores: the manager's own (filtered) queryset with its results filled in, so
        # .all() returns them and a further .filter() still queries the right rows.
        queryset = getattr(facility, name).get_live_queryset()
        queryset._result_cache = objects
        queryset._prefetch_done = True
        cache[name] = queryset
    for phone in loaded["phones"]:
        phone.facility = facility


# -- Opening hours -------------------------------------------------------------------------------------


def format_time(value):
    """08:30 -> '8.30' (the Dutch way of writing times)."""
    return f"{value.hour}.{value.minute:02d}"


def join_words(words):
    words = [str(w) for w in words]
    if len(words) <= 1:
        return "".join(words)
    return _("%(list)s and %(last)s") % {"list": ", ".join(words[:-1]), "last": words[-1]}


def describe_days(codes):
    """['MO', 'TU', 'WE', 'TH', 'FR'] -> 'maandag tot en met vrijdag'; ['MO', 'WE'] -> 'maandag en woensdag'."""
    indexes = sorted({DAY_CODES.index(c) for c in codes if c in DAY_CODES})
    runs, run = [], []
    for i in indexes:
        if run and i == run[-1] + 1:
            run.append(i)
        else:
            if run:
                runs.append(run)
            run = [i]
    if run:
        runs.append(run)
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(_("%(first)s to %(last)s") % {"first": WEEKDAYS[run[0]], "last": WEEKDAYS[run[-1]]})
        else:
            parts.extend(str(WEEKDAYS[i]) for i in run)
    return join_words(parts)


def describe_opening_hours(opening_hours):
    """A StreamField of opening-hours blocks -> readable lines, e.g. 'maandag tot en met vrijdag 8.30 - 17.00 uur'."""
    lines = []
    for block in opening_hours or []:
        value = block.value
        days = describe_days(value.get("days") or [])
        opens, closes = value.get("opens_at"), value.get("closes_at")
        if opens and closes:
            line = _("%(days)s %(opens)s - %(closes)s hrs") % {"days": days, "opens": format_time(opens), "closes": format_time(closes)}
        elif opens:
            line = _("%(days)s from %(opens)s hrs") % {"days": days, "opens": format_time(opens)}
        elif closes:
            line = _("%(days)s until %(closes)s hrs") % {"days": days, "closes": format_time(closes)}
        else:
            line = days
        note = value.get("note")
        if note:
            line = f"{line} ({note})" if line else note
        if line:
            lines.append(line.strip())
    return lines


# -- Places, distances, links --------------------------------------------------------------------------


def address_line(location):
    if location is None:
        return ""
    place = " ".join(p for p in [location.postal_code, location.city] if p)
    return ", ".join(p for p in [location.address_1, place] if p)


def format_distance(km):
    """1.234 -> '1,2 km'; 0.35 -> '350 m' (localised)."""
    if km is None:
        return ""
    if km < 1:
        return _("%(metres)s m") % {"metres": max(10, int(round(km * 100)) * 10)}
    return _("%(km)s km") % {"km": formats.number_format(round(km, 1), 1 if km < 10 else 0)}


def route_url(location):
    """Directions on OpenStreetMap to the location: by address when it has one, else by position."""
    address = address_line(location)
    if address:
        return "https://www.openstreetmap.org/directions?" + urlencode({"to": address})
    if location is not None and location.has_position:
        return "https://www.openstreetmap.org/directions?route=" + quote(f";{location.latitude},{location.longitude}")
    return ""


def tel_href(number):
    digits = "".join(c for c in str(number) if c.isdigit() or c == "+")
    return f"tel:{digits}" if digits else ""


def language_names(codes):
    names = []
    for code in codes or []:
        try:
            names.append(str(get_language_info(str(code).lower())["name_translated"]))
        except KeyError:
            names.append(str(code))
    return names


GROUP_LABELS = {
    "levensdomein": lambda: _("Topic"),
    "doelgroep": lambda: _("For whom"),
    "toegang": lambda: _("How to get it"),
    "kosten": lambda: _("What it costs"),
    "gebied": lambda: _("Area of the municipality"),
    "wijk": lambda: _("District or village"),
}


def group_label(group):
    """The resident-facing name of a facet group (taxonomy or area level)."""
    return GROUP_LABELS[group]() if group in GROUP_LABELS else group


def terms_by_taxonomy(facility):
    grouped = []
    for taxonomy in ("levensdomein", "doelgroep", "toegang", "kosten"):
        terms = facility.terms_of(taxonomy)
        if terms:
            grouped.append({"taxonomy": taxonomy, "label": group_label(taxonomy), "terms": terms})
    return grouped


def location_details(facility):
    """Per location: the location, its address, readable opening hours and a route link."""
    details = []
    for sal in facility.service_at_locations.all():
        location = sal.location
        details.append(
            {
                "location": location,
                "address": address_line(location),
                "opening_hours": describe_opening_hours(sal.opening_hours),
                "opening_hours_note": sal.opening_hours_note,
                "route_url": route_url(location),
                "map": {"lat": location.latitude, "lng": location.longitude, "name": location.name}
                if location.has_position
                else None,
                "service_at_location": sal,
            }
        )
    return details


# -- schema.org ----------------------------------------------------------------------------------------


def opening_hours_specification(opening_hours):
    specs = []
    for block in opening_hours or []:
        value = block.value
        days = [f"https://schema.org/{SCHEMA_DAYS[DAY_CODES.index(d)]}" for d in value.get("days") or [] if d in DAY_CODES]
        spec = {"@type": "OpeningHoursSpecification", "dayOfWeek": days}
        if value.get("opens_at"):
            spec["opens"] = value["opens_at"].strftime("%H:%M")
        if value.get("closes_at"):
            spec["closes"] = value["closes_at"].strftime("%H:%M")
        specs.append(spec)
    return specs


def facility_jsonld(facility, url):
    """schema.org 'Service' for a facility, with its provider and the places where it is offered."""
    organisation = facility.organisation
    provider = {"@type": "Organization", "name": organisation.name}
    if organisation.website:
        provider["url"] = organisation.website
    data = {
        "@context": "https://schema.org",
        "@type": "Service",
        "@id": url,
        "url": url,
        "name": facility.name,
        "description": facility.description,
        "provider": provider,
        "serviceType": [t.name for t in facility.terms_of("levensdomein")],
        "audience": [{"@type": "Audience", "audienceType": t.name} for t in facility.terms_of("doelgroep")],
        "availableChannel": [],
    }
    if any(t.code == "gratis" for t in facility.terms_of("kosten")):
        data["isAccessibleForFree"] = True
    if facility.areas_served.all():
        data["areaServed"] = [{"@type": "AdministrativeArea", "name": a.name} for a in facility.areas_served.all()]
    phones = [p.number for p in facility.phones.all()]
    for sal in facility.service_at_locations.all():
        loc = sal.location
        place = {
            "@type": "Place",
            "name": loc.name,
            "address": {
                "@type": "PostalAddress",
                "streetAddress": loc.address_1,
                "postalCode": loc.postal_code,
                "addressLocality": loc.city,
                "addressCountry": "NL",
            },
        }
        if loc.has_position:
            place["geo"] = {"@type": "GeoCoordinates", "latitude": loc.latitude, "longitude": loc.longitude}
        hours = opening_hours_specification(sal.opening_hours)
        if hours:
            place["openingHoursSpecification"] = hours
        channel = {"@type": "ServiceChannel", "serviceLocation": place}
        if phones:
            channel["servicePhone"] = {"@type": "ContactPoint", "telephone": phones[0]}
        if facility.url:
            channel["serviceUrl"] = facility.url
        data["availableChannel"].append(channel)
    if facility.languages:
        data["availableLanguage"] = list(facility.languages)
    if facility.last_verified:
        data["dateModified"] = facility.last_verified.isoformat()
    return data


def jsonld_script(data):
    """A <script type="application/ld+json"> element; <, > and & are escaped so the data cannot end the element."""
    payload = json.dumps(data, ensure_ascii=False, sort_keys=False).translate(JSON_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')  # noqa: S308 (escaped above)
