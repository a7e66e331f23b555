"""The facility search service: one interface for the social-map page, the GeoJSON endpoint, site search
and search_eval, whatever backend runs underneath.

    result = search_facilities(FacilityQuery(text="mantelzorg", filters={"doelgroep": ["ouderen"]},
                                             near=(52.79, 6.90), radius_km=5, sort="distance"))
    result.hits        # list of FacilityHit (facility, score, distance_km), best first, all matches
    result.facets      # {"levensdomein": [FacetValue(code, name, count, selected)], ...}
    result.total       # number of matching facilities

Filters are strict (a facility passes a doelgroep filter only with that doelgroep itself); several
values within a group are OR, groups are AND. Facet counts for a group are counted with every filter
applied except that group's own (as Elasticsearch's post_filter does), so ticking a box never makes the
other boxes in the same group drop to zero.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q

FACET_GROUPS = ["levensdomein", "doelgroep", "toegang", "kosten", "gebied", "wijk"]
TAXONOMY_GROUPS = ["levensdomein", "doelgroep", "toegang", "kosten"]
EARTH_RADIUS_KM = 6371.0088
SORTS = ("relevance", "distance", "name")


@dataclass
class FacilityQuery:
    text: str = ""
    filters: dict = field(default_factory=dict)  # group -> list of codes (wijk: CBS code or slug, gebied: slug)
    near: tuple | None = None  # (lat, lng)
    radius_km: float | None = None
    sort: str = "relevance"
    limit: int | None = None  # at most this many hits (total still counts all matches)
    offset: int = 0  # skip this many hits first (pagination); result.total still counts all
    facets: bool = True  # False: skip the facet counts (callers that show none)
    details: bool = True  # False: hits carry the facility only (no terms, areas or locations loaded)


@dataclass
class FacilityHit:
    facility: object
    score: float = 0.0
    distance_km: float | None = None
    location: object = None  # the nearest location when `near` is given, else the first


@dataclass
class FacetValue:
    code: str
    name: str
    count: int
    selected: bool = False


@dataclass
class FacilitySearchResult:
    query: FacilityQuery
    hits: list
    facets: dict
    total: int
    notice: str = ""  # e.g. a fallback message shown to the resident
    suggestion: str = ""  # "Did you mean ...?": the query with likely typos corrected
    offset: int = 0  # the position of hits[0] among all matches

    @property
    def facilities(self):
        return [h.facility for h in self.hits]

    def window(self):
        """The hits as a sequence of `total` items of which only [offset, offset + len(hits)) is loaded,
        for Django's Paginator: a page of a search of 100,000 facilities loads 20 of them."""
        return HitWindow(self.hits, self.offset, self.total)


class HitWindow(Sequence):
    def __init__(self, hits, offset, total):
        self.hits, self.offset, self.total = hits, offset, total

    def __len__(self):
        return self.total

    def __getitem__(self, index):
        if isinstance(index, slice):  # Paginator asks for one page: the part that was loaded
            start, stop, step = index.indices(self.total)
            return self.hits[max(0, start - self.offset) : max(0, stop - self.offset) : step]
        if index < 0:
            index += self.total
        if not self.offset <= index < self.offset + len(self.hits):
            raise IndexError("this part of the results was not loaded")
        return self.hits[index - self.offset]


def haversine_km(lat1, lng1, lat2, lng2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def public_facilities():
    """Live, active facilities with what listings need, in as few queries as possible."""
    from socialmap.models import Facility, ServiceAtLocation

    return (
        Facility.objects.filter(live=True, status=Facility.ACTIVE)
        .select_related("organisation")
        .prefetch_related(
            "terms",
            "areas_served",
            Prefetch(
                "service_at_locations",
                queryset=ServiceAtLocation.objects.select_related("location__area__parent").order_by("sort_order"),
            ),
        )
    )


def group_filter_q(group, codes):
    """A Q object for one facet group (OR within the group)."""
    from socialmap.models import Area

    codes = [c for c in codes if c]
    if not codes:
        return Q()
    if group in TAXONOMY_GROUPS:
        return Q(terms__taxonomy=group, terms__code__in=codes)
    if group == "wijk":
        areas = Area.objects.filter(Q(cbs_code__in=codes) | Q(slug__in=codes))
        return Q(service_at_locations__location__area__in=areas) | Q(areas_served__in=areas)
    if group == "gebied":
        gebieden = Area.objects.filter(slug__in=codes, kind="gebied")
        return Q(service_at_locations__location__area__parent__in=gebieden) | Q(areas_served__in=gebieden) | Q(
            areas_served__parent__in=gebieden
        )
    return Q()


def apply_filters(queryset, filters, skip_group=None):
    for group, codes in (filters or {}).items():
        if group == skip_group or group not in FACET_GROUPS:
            continue
        q = group_filter_q(group, codes)
        if q:
            queryset = queryset.filter(pk__in=queryset.model.objects.filter(q).values("pk"))
    return queryset


def nearest_location(facility, near):
    best, best_km = None, None
    for sal in facility.service_at_locations.all():
        loc = sal.location
        if loc.latitude is None or loc.longitude is None:
            continue
        km = haversine_km(near[0], near[1], loc.latitude, loc.longitude)
        if best_km is None or km < best_km:
            best, best_km = loc, km
    return best, best_km


def first_location(facility):
    sals = list(facility.service_at_locations.all())
    return sals[0].location if sals else None


def facet_counts(base_queryset, filters, matching_ids_for):
    """Counts per facet value; `matching_ids_for(group)` gives the ids matching all filters but that group's."""
    from socialmap.models import Area, TaxonomyTerm

    facets = {}
    all_terms = list(TaxonomyTerm.objects.filter(taxonomy__in=TAXONOMY_GROUPS))  # one query for every group's list
    for group in TAXONOMY_GROUPS:
        ids = matching_ids_for(group)
        selected = set((filters or {}).get(group, []))
        counts = {}
        for code in TaxonomyTerm.objects.filter(taxonomy=group, facilities__in=ids).values_list("code", flat=True):
            counts[code] = counts.get(code, 0) + 1
        facets[group] = [
            FacetValue(t.code, t.name, counts.get(t.code, 0), t.code in selected)
            for t in all_terms if t.taxonomy == group
        ]
    all_areas = list(Area.objects.order_by("name"))
    by_code = {}  # the areas group_filter_q("wijk", [code]) selects: by CBS code or slug
    for area in all_areas:
        for code in {area.slug, area.cbs_code} - {""}:
            by_code.setdefault(code, set()).add(area.pk)
    for group, kinds in (("gebied", ("gebied",)), ("wijk", ("wijk", "dorp"))):
        ids = matching_ids_for(group)
        selected = set((filters or {}).get(group, []))
        facilities_per_area = area_facilities(base_queryset.model.objects.filter(pk__in=ids), group)
        values = []
        for area in (a for a in all_areas if a.kind in kinds):
            # The same facilities group_filter_q(group, [code]) finds, counted without a query per area.
            if group == "wijk":
                matched = set().union(*(facilities_per_area.get(pk, ()) for pk in by_code.get(area.cbs_code or area.slug, ())))
            else:
                matched = facilities_per_area.get(area.pk, ())
            code = area.cbs_code if group == "wijk" else area.slug
            values.append(FacetValue(code, area.name, len(matched), code in selected or area.slug in selected))
        facets[group] = values
    return facets


def area_facilities(facilities, group):
    """{area id: set of facility ids} along the relations group_filter_q follows for the 'wijk' or 'gebied'
    group (a facility's locations and the areas it serves), in two queries for all areas together."""
    if group == "wijk":
        paths = [("service_at_locations__location__area",), ("areas_served",)]
    else:
        paths = [("service_at_locations__location__area__parent",), ("areas_served", "areas_served__parent")]
    found = {}
    for fields in paths:
        for pk, *area_ids in facilities.values_list("pk", *fields):
            for area_id in area_ids:
                if area_id is not None:
                    found.setdefault(area_id, set()).add(pk)
    return found


def search_facilities(query, backend=None):
    """Run a facility search with the configured backend (see search.backends)."""
    from search.backends import get_facility_backend
    from search.indexing import vocabulary_scope

    with vocabulary_scope():
        return (backend or get_facility_backend()).search(query)
