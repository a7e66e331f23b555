"""Area facets (gebied, wijk): each count is the number of results ticking that box alone would give."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from search.facilities import FacilityQuery, search_facilities
from socialmap.models import Area, Location, ServiceAtLocation
from tests.search.factories import index_all, make_facility

pytestmark = pytest.mark.django_db


@pytest.fixture
def facilities():
    klazienaveen = Area.objects.get(name="Klazienaveen")
    emmerhout = Area.objects.get(name="Emmerhout")
    make_facility("Taalhuis Klazienaveen", "Taalcoaches.", area=klazienaveen, lat=52.726, lng=6.984)
    make_facility("Schoonmaakhulp", "Hulp in huis.", area=klazienaveen, lat=52.728, lng=6.99)
    make_facility("Wijkverpleging", "Verpleging thuis.", area=emmerhout, lat=52.79, lng=6.94)
    # No location, but serving a wijk and (elsewhere) a whole gebied: the facets follow areas_served too.
    served = make_facility("Thuisadministratie", "Hulp bij post en papieren.")
    served.areas_served.set([emmerhout])
    served.save()
    everywhere = make_facility("Vervoersdienst", "Rijdt u naar afspraken.")
    everywhere.areas_served.set([klazienaveen.parent])
    everywhere.save()
    index_all()


@pytest.mark.parametrize("group", ["gebied", "wijk"])
def test_area_facet_counts_equal_the_results_of_that_filter(facilities, group):
    facets = search_facilities(FacilityQuery()).facets[group]
    assert any(value.count for value in facets)
    for value in facets:
        filtered = search_facilities(FacilityQuery(filters={group: [value.code]}))
        assert value.count == len(filtered.hits), value


@pytest.fixture
def mixed_areas(facilities):
    """Beside the single-area facilities: facilities whose areas overlap (a location in a wijk and serving its
    gebied; two locations in one wijk), counted once per area however they reach it. All mention 'hulp'."""
    emmerhout = Area.objects.get(name="Emmerhout")
    both = make_facility("Buurthulp Emmerhout", "Hulp van buren.", terms=[("doelgroep", "ouderen")], area=emmerhout, lat=52.79, lng=6.94)
    both.areas_served.set([emmerhout.parent])
    both.save()
    twice = make_facility("Klushulp", "Hulp bij klussen.", terms=[("doelgroep", "ouderen")], area=emmerhout, lat=52.791, lng=6.941)
    second = Location.objects.create(name="Tweede werkplaats", city="Emmen", latitude=52.792, longitude=6.942, area=emmerhout, live=True)
    ServiceAtLocation.objects.create(facility=twice, location=second)
    twice.save()
    make_facility("Tuinhulp", "Hulp in de tuin.", terms=[("doelgroep", "jongeren")], area="Klazienaveen", lat=52.727, lng=6.985)
    index_all()


@pytest.mark.parametrize("group", ["gebied", "wijk"])
@pytest.mark.parametrize("filters", [{}, {"doelgroep": ["ouderen"]}])
@pytest.mark.parametrize("text", ["hulp", ""])
def test_area_facet_counts_of_overlapping_areas_equal_the_results_of_that_filter(mixed_areas, group, filters, text):
    # With text, PostgreSQL counts from the matched search documents' area arrays; without, both databases
    # from the relations (search.sqlsearch). Either way a facility counts once per area.
    facets = search_facilities(FacilityQuery(text=text, filters=filters)).facets[group]
    assert sum(value.count for value in facets) >= 2
    for value in facets:
        filtered = search_facilities(FacilityQuery(text=text, filters={**filters, group: [value.code]}))
        assert value.count == filtered.total == len(filtered.hits), value


def test_area_facets_do_not_cost_a_query_per_area(facilities):
    areas = Area.objects.count()
    assert areas > 20
    with CaptureQueriesContext(connection) as queries:
        search_facilities(FacilityQuery())
    assert len(queries) < areas
