"""Facility search backends. The database backend is the default; settings may name another
(FACILITY_SEARCH_BACKEND, a dotted path to a class with a `search(query)` method)."""

from django.conf import settings
from django.db.models import Q
from django.utils.module_loading import import_string

from .facilities import (
    FacilityHit,
    FacilitySearchResult,
    apply_filters,
    facet_counts,
    first_location,
    nearest_location,
    public_facilities,
)


class DatabaseFacilityBackend:
    """Text matching on the database. Ranking: name matches above description matches; distance breaks ties."""

    def text_filter(self, queryset, text):
        q = Q()
        for word in text.split():
            q &= (
                Q(name__icontains=word)
                | Q(description__icontains=word)
                | Q(organisation__name__icontains=word)
                | Q(terms__name__icontains=word)
                | Q(service_at_locations__location__city__icontains=word)
                | Q(service_at_locations__location__area__name__icontains=word)
            )
        return queryset.filter(pk__in=queryset.model.objects.filter(q).values("pk"))

    def score(self, facility, text):
        words = [w.lower() for w in text.split()]
        name, desc = facility.name.lower(), facility.description.lower()
        return sum(3.0 * (w in name) + 1.0 * desc.count(w) for w in words)

    def search(self, query):
        base = public_facilities()
        matched = self.text_filter(base, query.text) if query.text.strip() else base

        def ids_for(skip_group):
            return apply_filters(matched, query.filters, skip_group=skip_group).values("pk")

        facets = facet_counts(matched, query.filters, ids_for)
        hits = []
        for facility in apply_filters(matched, query.filters):
            hit = FacilityHit(facility=facility, score=self.score(facility, query.text) if query.text else 0.0)
            if query.near:
                hit.location, hit.distance_km = nearest_location(facility, query.near)
                if query.radius_km and (hit.distance_km is None or hit.distance_km > query.radius_km):
                    continue
            else:
                hit.location = first_location(facility)
            hits.append(hit)
        far = float("inf")
        if query.sort == "distance" and query.near:
            hits.sort(key=lambda h: (h.distance_km if h.distance_km is not None else far, h.facility.name))
        elif query.sort == "name" or not query.text:
            hits.sort(key=lambda h: (h.distance_km if (query.near and h.distance_km is not None) else 0, h.facility.name) if query.near else h.facility.name)
        else:
            hits.sort(key=lambda h: (-h.score, h.distance_km if h.distance_km is not None else far, h.facility.name))
        return FacilitySearchResult(query=query, hits=hits, facets=facets, total=len(hits))


def get_facility_backend():
    path = getattr(settings, "FACILITY_SEARCH_BACKEND", "search.backends.DatabaseFacilityBackend")
    return import_string(path)()
