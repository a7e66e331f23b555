"""Loading an evaluation set and running it through the facility search (used by search_eval).

The facilities go in through the social map's HSDS importer (socialmap.hsds.import_services). Until that
importer is merged, `load_services_minimal` stands in: it maps the HSDS fields the search uses and
nothing more, and search_eval says so when it uses it.
"""

import json
from pathlib import Path

from .facilities import FacilityQuery, search_facilities
from .metrics import evaluate


def read_set(path):
    path = Path(path)
    facilities = json.loads((path / "facilities.json").read_text(encoding="utf-8"))
    queries = json.loads((path / "queries.json").read_text(encoding="utf-8"))
    return facilities, queries


def hsds_importer():
    try:
        from socialmap.hsds import import_services
    except ImportError:
        return None
    return import_services


def load_services_minimal(services):
    """Stand-in for socialmap.hsds.import_services: organisations, locations, facilities, terms, areas."""
    from socialmap.areas import point_in_geometry
    from socialmap.models import Area, Facility, FacilityPhone, Location, Organisation, ServiceAtLocation, TaxonomyTerm

    wijken = list(Area.objects.filter(kind__in=["wijk", "dorp"]).exclude(boundary=None))
    terms = {(t.taxonomy, t.code): t for t in TaxonomyTerm.objects.all()}
    for service in services:
        org_data = service["organization"]
        org, _ = Organisation.objects.update_or_create(
            id=org_data["id"],
            defaults={"name": org_data["name"], "description": org_data.get("description", ""), "live": True},
        )
        facility, _ = Facility.objects.update_or_create(
            id=service["id"],
            defaults={
                "organisation": org,
                "name": service["name"],
                "description": service.get("description", ""),
                "status": service.get("status", "active"),
                "url": service.get("url", "") or "",
                "email": service.get("email", "") or "",
                "eligibility_description": service.get("eligibility_description", "") or "",
                "fees_description": service.get("fees_description", "") or "",
                "application_process": service.get("application_process", "") or "",
                "languages": service.get("languages", []) or [],
                "live": True,
            },
        )
        for i, phone in enumerate(service.get("phones", [])):
            FacilityPhone.objects.update_or_create(
                id=phone["id"], defaults={"facility": facility, "number": phone["number"], "sort_order": i}
            )
        for i, sal in enumerate(service.get("service_at_locations", [])):
            loc = sal["location"]
            address = (loc.get("addresses") or [{}])[0]
            lat, lng = loc.get("latitude"), loc.get("longitude")
            area = next((a for a in wijken if lat is not None and point_in_geometry(lat, lng, a.boundary)), None)
            location, _ = Location.objects.update_or_create(
                id=loc["id"],
                defaults={
                    "name": loc.get("name", ""),
                    "address_1": address.get("address_1", ""),
                    "postal_code": address.get("postal_code", ""),
                    "city": address.get("city", ""),
                    "latitude": lat,
                    "longitude": lng,
                    "area": area,
                    "live": True,
                },
            )
            ServiceAtLocation.objects.update_or_create(
                id=sal["id"], defaults={"facility": facility, "location": location, "sort_order": i}
            )
        codes = []
        areas = []
        for attribute in service.get("attributes", []):
            term = attribute.get("taxonomy_term") or {}
            if term.get("taxonomy") == "wijk":
                areas += list(Area.objects.filter(cbs_code=term.get("code")))
            elif (term.get("taxonomy"), term.get("code")) in terms:
                codes.append(terms[(term["taxonomy"], term["code"])])
        facility.terms.set(codes)
        facility.save()


def load_set(services, stdout=None):
    """Import the services; returns the name of the loader used."""
    from .indexing import paused, reindex_all

    importer = hsds_importer()
    with paused():
        if importer is not None:
            importer(services)
            loader = "socialmap.hsds.import_services"
        else:
            load_services_minimal(services)
            loader = "search.evalset.load_services_minimal (socialmap.hsds is not merged yet)"

    reindex_all()
    return loader


def to_facility_query(item, limit=None):
    near = item.get("near")
    return FacilityQuery(
        text=item["q"],
        near=(near["lat"], near["lng"]) if near else None,
        filters={k: list(v) for k, v in (item.get("filters") or {}).items()},
        limit=limit,
    )


def run_queries(queries, backend=None):
    """Run every query through search_facilities; returns (metrics, per-query details)."""
    runs = []
    for item in queries:
        result = search_facilities(to_facility_query(item), backend=backend)
        runs.append(
            {
                "q": item["q"],
                "ranked": [str(h.facility.pk) for h in result.hits],
                "names": [h.facility.name for h in result.hits],
                "relevant": item.get("relevant", {}),
                "notice": result.notice,
                "suggestion": result.suggestion,
            }
        )
    metrics, per_query = evaluate(runs)
    for run, figures in zip(runs, per_query):
        run.update(figures)
    return metrics, runs
