"""Facilities for search tests, built through the real models (the signals index them)."""

from socialmap.models import Area, Facility, Location, Organisation, ServiceAtLocation, TaxonomyTerm


def make_facility(name, description, org="Welzijn Emmen", terms=(), area=None, lat=None, lng=None, city="Emmen", live=True, **extra):
    organisation, _ = Organisation.objects.get_or_create(name=org, defaults={"live": True})
    facility = Facility.objects.create(organisation=organisation, name=name, description=description, live=live, **extra)
    if area is not None or lat is not None:
        area_obj = Area.objects.get(name=area) if isinstance(area, str) else area
        location = Location.objects.create(name=f"Locatie {name}", city=city, latitude=lat, longitude=lng, area=area_obj, live=True)
        ServiceAtLocation.objects.create(facility=facility, location=location)
    if terms:
        facility.terms.set([TaxonomyTerm.objects.get(taxonomy=t, code=c) for t, c in terms])
        facility.save()
    return facility


def index_all():
    from search.indexing import reindex_all

    return reindex_all()
