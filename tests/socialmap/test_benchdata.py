"""The benchmark generator: the number asked for, live and complete, deterministic, and removable."""

import pytest

from socialmap.benchdata import delete_generated, generate_facilities
from socialmap.models import Facility, ServiceAtLocation


@pytest.mark.django_db
def test_generate_facilities_makes_live_facilities_with_terms_and_locations():
    result = generate_facilities(60, seed=3, batch_size=25)

    assert result.facilities == 60 and Facility.objects.filter(live=True).count() == 60
    facility = Facility.objects.first()
    assert facility.terms.filter(taxonomy="levensdomein").exists()
    location = facility.service_at_locations.get().location
    assert location.area is not None and location.has_position
    assert facility.service_at_locations.get().opening_hours[0].value["days"][0] == "MO"

    generate_facilities(60, seed=3, batch_size=25)  # same seed: nothing new
    assert Facility.objects.count() == 60

    delete_generated()
    assert Facility.objects.count() == 0 and ServiceAtLocation.objects.count() == 0
