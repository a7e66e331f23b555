"""Area facets (gebied, wijk): each count is the number of results ticking that box alone would give."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from search.facilities import FacilityQuery, search_facilities
from socialmap.models import Area
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


def test_area_facets_do_not_cost_a_query_per_area(facilities):
    areas = Area.objects.count()
    assert areas > 20
    with CaptureQueriesContext(connection) as queries:
        search_facilities(FacilityQuery())
    assert len(queries) < areas
