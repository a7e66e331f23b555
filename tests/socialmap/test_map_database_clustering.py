"""The map's clustering in the database (socialmap.mapdata) gives what clustering the search hits in Python
(socialmap.clustering.cluster_points) gives: same cells, counts, positions, single points and filters."""

import random

import pytest
from django.db import connection

from search.facilities import FacilityQuery, search_facilities
from socialmap.clustering import Point, cluster_points
from socialmap.mapdata import map_features
from tests.socialmap.factories import FacilityFactory, LocationFactory

pytestmark = pytest.mark.django_db

EMMEN = (52.785, 6.897)


def url(slug):
    return f"/sociale-kaart/{slug}/"


@pytest.fixture
def facilities():
    """Facilities spread over Emmen: some with two locations (the first or the nearer one counts), some in
    one building, some without a position, with two levensdomeinen to filter on."""
    rnd = random.Random(7)
    made = []
    for i in range(60):
        domain = "wonen" if i % 3 else "vervoer"
        lat, lng = EMMEN[0] + rnd.uniform(-0.08, 0.08), EMMEN[1] + rnd.uniform(-0.12, 0.12)
        locations = [LocationFactory(latitude=round(lat, 6), longitude=round(lng, 6))]
        if i % 7 == 0:
            locations.append(LocationFactory(latitude=round(lat + 0.05, 6), longitude=round(lng - 0.05, 6)))
        if i % 11 == 0:
            locations.insert(0, LocationFactory(latitude=None, longitude=None))
        made.append(FacilityFactory(name=f"Voorziening {i:02d}", slug=f"v-{i}", terms=[("levensdomein", domain)], locations=locations))
    building = LocationFactory(latitude=52.7701, longitude=6.8801)
    for i in range(4):
        made.append(FacilityFactory(name=f"In het gebouw {i}", slug=f"gebouw-{i}", terms=[("levensdomein", "wonen")], locations=[building]))
    analyze()
    return made


def analyze():
    """Statistics for the rows this test made. Autovacuum analyses the test database between tests, when
    every test's rows have been rolled back; planning for empty tables, PostgreSQL then nests loops over
    full scans and a count over 64 facilities took 13-23 s (in its own transaction ANALYZE sees them)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE socialmap_facility, socialmap_facility_terms, socialmap_serviceatlocation, "
                           "socialmap_location, search_facilitysearchdocument")


def python_features(query, zoom, bbox):
    result = search_facilities(query)
    points = [
        Point(h.location.latitude, h.location.longitude, str(h.facility.pk), h.facility.name, url(h.facility.slug))
        for h in result.hits
        if h.location is not None and h.location.has_position
    ]
    features = cluster_points(points, zoom, bbox)
    return features, result.total, sum(f["properties"].get("count", 1) for f in features)


def normalised(features):
    def key(feature):
        props = dict(feature["properties"])
        coords = tuple(round(c, 5) for c in feature["geometry"]["coordinates"])
        if "bbox" in props:
            props["bbox"] = tuple(round(c, 5) for c in props["bbox"])
        if "items" in props:
            props["items"] = tuple(sorted(i["id"] for i in props["items"]))
        return coords, tuple(sorted(props.items()))

    return sorted(key(f) for f in features)


CASES = [
    ({}, None, None),
    ({"levensdomein": ["wonen"]}, None, None),
    ({}, (52.78, 6.89), None),
    ({}, (52.78, 6.89), 5),
    ({"levensdomein": ["vervoer"]}, (52.80, 6.95), 8),
]


@pytest.mark.parametrize("filters,near,radius", CASES)
@pytest.mark.parametrize("zoom,bbox", [(9, None), (12, (6.8, 52.72, 6.98, 52.84)), (22, None)])
def test_database_clustering_matches_clustering_the_search_hits(facilities, filters, near, radius, zoom, bbox):
    query = FacilityQuery(filters=filters, near=near, radius_km=radius, sort="distance" if near else "name")
    expected, total, mapped = python_features(query, zoom, bbox)
    features, db_total, db_mapped = map_features(filters, near, radius, zoom, bbox, facility_url=url)
    assert (db_total, db_mapped) == (total, mapped)
    assert normalised(features) == normalised(expected)


def test_a_facility_is_placed_at_its_first_location_or_with_near_at_its_nearest():
    far, close = LocationFactory(latitude=52.90, longitude=7.05), LocationFactory(latitude=52.78, longitude=6.89)
    facility = FacilityFactory(slug="twee-plekken", locations=[far, close])
    (feature,) = map_features({}, None, None, 18, None, facility_url=url)[0]
    assert feature["geometry"]["coordinates"] == [7.05, 52.9]
    assert feature["properties"] == {"id": str(facility.pk), "name": facility.name, "url": "/sociale-kaart/twee-plekken/"}
    (feature,) = map_features({}, (52.78, 6.89), None, 18, None, facility_url=url)[0]
    assert feature["geometry"]["coordinates"] == [6.89, 52.78]
    # the radius counts from the nearest location
    assert map_features({}, (52.78, 6.89), 1, 18, None, facility_url=url)[1:] == (1, 1)
    assert map_features({}, (52.60, 6.60), 5, 18, None, facility_url=url)[1:] == (0, 0)


def test_a_grid_with_more_cells_than_fetched_at_once_is_coarsened_in_the_database(facilities, monkeypatch):
    from socialmap import mapdata

    expected = map_features({}, None, None, 22, None, facility_url=url)[0]
    monkeypatch.setattr(mapdata, "MAX_CELL_ROWS", 5)
    features = map_features({}, None, None, 22, None, facility_url=url)[0]
    assert sum(f["properties"].get("count", 1) for f in features) == sum(f["properties"].get("count", 1) for f in expected)
    assert len(features) <= 5 < len(expected)


def test_output_stays_bounded_and_counts_every_mapped_facility(facilities):
    features, total, mapped = map_features({}, None, None, 12, None, facility_url=url)
    # every facility is mapped except those whose first location has no position (every 11th)
    assert (total, mapped) == (64, 64 - 6)
    features = map_features({}, None, None, 22, None, facility_url=url, )[0]
    assert len(features) <= 400


def test_the_stored_map_position_follows_the_first_location():
    from socialmap.models import Facility, ServiceAtLocation

    first, second = LocationFactory(latitude=52.70, longitude=6.80), LocationFactory(latitude=52.90, longitude=7.05)
    facility = FacilityFactory(slug="verhuist", locations=[first, second])

    def position():
        return Facility.objects.filter(pk=facility.pk).values_list("map_latitude", "map_longitude").get()

    assert position() == (52.70, 6.80)
    first.latitude = 52.71
    first.save()
    assert position() == (52.71, 6.80)
    ServiceAtLocation.objects.filter(facility=facility, location=first).delete()
    assert position() == (52.90, 7.05)
    # saved from stale content (as when an older revision is published): the position comes from the database
    facility.map_latitude = 1.0
    facility.save()
    assert position() == (52.90, 7.05)


def test_the_bench_generator_stores_map_positions():
    from socialmap.benchdata import generate
    from socialmap.models import Facility

    generate(5, prefix="kaart")
    made = Facility.objects.filter(slug__startswith="kaart-")
    assert made.count() == 5 and not made.filter(map_latitude__isnull=True).exists()


# -- The stored pixels (Facility.map_x/map_y) and text searches -------------------------------------------


def stored_pixels(facility):
    from socialmap.models import Facility

    return Facility.objects.filter(pk=facility.pk).values_list("map_x", "map_y").get()


def expected_pixels(lat, lng):
    import math

    from socialmap.clustering import to_pixels

    x, y = to_pixels(lat, lng, 22)
    return math.floor(x), math.floor(y)


def test_the_stored_pixels_are_the_first_location_in_zoom_22_pixels_and_follow_it():
    first, second = LocationFactory(latitude=52.7812345, longitude=6.8923456), LocationFactory(latitude=52.90, longitude=7.05)
    facility = FacilityFactory(slug="pixels", locations=[first, second])
    assert stored_pixels(facility) == expected_pixels(52.7812345, 6.8923456)
    first.latitude, first.longitude = 52.70, 6.80
    first.save()
    assert stored_pixels(facility) == expected_pixels(52.70, 6.80)
    first.latitude = None
    first.save()  # the first location without a position: not on the map (as the list)
    assert stored_pixels(facility) == (None, None)
    from socialmap.models import ServiceAtLocation

    ServiceAtLocation.objects.filter(facility=facility, location=first).delete()
    assert stored_pixels(facility) == expected_pixels(52.90, 7.05)


def test_imports_and_the_bench_generator_store_the_pixels():
    import io
    import json
    from pathlib import Path

    from socialmap import csvio, hsds
    from socialmap.benchdata import generate
    from socialmap.models import Facility

    records = json.loads((Path(__file__).resolve().parent / "data" / "hsds_small.json").read_text(encoding="utf-8"))
    assert hsds.import_services(records).ok
    row = {c: "" for c in csvio.COLUMNS}
    row.update(name="Repair Café", organisation_name="Stichting Repair", description="Samen repareren.", location_names="Wijkcentrum",
               location_addresses="Statenweg 1", location_postal_codes="7824 AB", location_cities="Emmen",
               location_latitudes="52.777", location_longitudes="6.925")
    handle = io.StringIO()
    import csv

    writer = csv.DictWriter(handle, fieldnames=csvio.COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerow(row)
    assert csvio.import_csv(handle.getvalue()).ok
    generate(3, prefix="pixels")
    placed = Facility.objects.filter(map_latitude__isnull=False)
    assert placed.count() >= 5 and placed.filter(slug__startswith="pixels-").count() == 3
    for lat, lng, x, y in placed.values_list("map_latitude", "map_longitude", "map_x", "map_y"):
        assert (x, y) == expected_pixels(lat, lng)
    assert (Facility.objects.get(name="Repair Café").map_x, Facility.objects.get(name="Repair Café").map_y) == expected_pixels(52.777, 6.925)
    assert not Facility.objects.filter(map_latitude__isnull=True, map_x__isnull=False).exists()


TEXT_CASES = [
    ("gebouw", {}, None, None),
    ("voorziening", {"levensdomein": ["wonen"]}, None, None),
    ("voorziening", {}, (52.78, 6.89), 5),
    ("voorziening", {"levensdomein": ["vervoer"]}, (52.80, 6.95), None),
    ("xyzzyplugh", {}, None, None),
]


@pytest.mark.parametrize("text,filters,near,radius", TEXT_CASES)
def test_database_clustering_of_a_text_search_matches_clustering_its_hits(facilities, text, filters, near, radius):
    from socialmap.mapdata import text_restriction

    query = FacilityQuery(text=text, filters=filters, near=near, radius_km=radius, sort="distance" if near else "relevance")
    for zoom, bbox in [(9, None), (12, (6.8, 52.72, 6.98, 52.84)), (22, None)]:
        expected, total, mapped = python_features(query, zoom, bbox)
        features, db_total, db_mapped = map_features(filters, near, radius, zoom, bbox, facility_url=url,
                                                     text=text_restriction(text, near))
        assert (db_total, db_mapped) == (total, mapped)
        assert normalised(features) == normalised(expected)
        assert (total > 0) == (text != "xyzzyplugh")


# -- MapCell: the per-square counts the unfiltered map adds up ----------------------------------------------


def map_cells():
    from socialmap.models import MapCell

    return sorted(MapCell.objects.values_list("cx", "cy", "count", "sum_lat", "sum_lng", "min_lat", "max_lat", "min_lng", "max_lng", "px", "py"))


def assert_map_cells_are_current():
    """What is kept step by step equals a count from scratch."""
    from socialmap.mapdata import refresh_map_cells

    kept = map_cells()
    refresh_map_cells()
    assert kept == map_cells()
    return kept


def test_map_cells_follow_saves_moves_status_unpublishing_and_deletes():
    from socialmap.models import Facility, ServiceAtLocation

    home, other = LocationFactory(latitude=52.78, longitude=6.89), LocationFactory(latitude=52.80, longitude=6.95)
    a = FacilityFactory(slug="a", locations=[home])
    b = FacilityFactory(slug="b", locations=[home])
    c = FacilityFactory(slug="c", locations=[other])
    assert sum(cell[2] for cell in assert_map_cells_are_current()) == 3
    home.latitude = 52.70
    home.save()  # a and b move to another square
    assert_map_cells_are_current()
    b.status = Facility.INACTIVE
    b.save()
    assert sum(cell[2] for cell in assert_map_cells_are_current()) == 2
    c.live = False
    c.save()
    assert sum(cell[2] for cell in assert_map_cells_are_current()) == 1
    ServiceAtLocation.objects.filter(facility=a).delete()  # a has no position any more
    assert assert_map_cells_are_current() == []
    ServiceAtLocation.objects.create(facility=a, location=other, sort_order=0)
    c.live = True
    c.save()
    assert sum(cell[2] for cell in assert_map_cells_are_current()) == 2
    Facility.objects.get(pk=c.pk).delete()
    assert sum(cell[2] for cell in assert_map_cells_are_current()) == 1


def test_map_cells_after_imports_and_bulk_generation_are_current():
    import json
    from pathlib import Path

    from socialmap import hsds
    from socialmap.benchdata import generate

    records = json.loads((Path(__file__).resolve().parent / "data" / "hsds_small.json").read_text(encoding="utf-8"))
    assert hsds.import_services(records).ok
    generate(30, prefix="cells")
    assert sum(cell[2] for cell in assert_map_cells_are_current()) >= 30


@pytest.mark.parametrize("zoom,bbox", [(14, (6.8, 52.72, 6.98, 52.84)), (11, (6.85, 52.75, 6.93, 52.81)), (13, (6.88, 52.77, 6.90, 52.79))])
def test_the_unfiltered_map_from_map_cells_matches_clustering_every_facility(facilities, zoom, bbox):
    """Whole squares inside the viewport come from MapCell, the squares its edge crosses from the facilities."""
    expected, total, mapped = python_features(FacilityQuery(), zoom, bbox)
    features, db_total, db_mapped = map_features({}, None, None, zoom, bbox, facility_url=url)
    assert (db_total, db_mapped) == (total, mapped) and mapped > 0
    assert normalised(features) == normalised(expected)
