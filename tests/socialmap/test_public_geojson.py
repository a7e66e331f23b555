"""Map data: the grid clustering service and the GeoJSON endpoint."""

import json
import random

import pytest

from socialmap.clustering import Point, cluster_points, parse_bbox
from tests.socialmap.factories import FacilityFactory, LocationFactory

EMMEN_BBOX = (6.7, 52.6, 7.1, 52.95)


def random_points(n, seed=1, bbox=EMMEN_BBOX):
    rnd = random.Random(seed)
    return [Point(rnd.uniform(bbox[1], bbox[3]), rnd.uniform(bbox[0], bbox[2]), str(i), f"P{i}", f"/p{i}/") for i in range(n)]


def total_count(features):
    return sum(f["properties"].get("count", 1) for f in features)


@pytest.mark.parametrize("zoom", [5, 9, 12, 15, 19])
def test_clustering_preserves_the_number_of_points(zoom):
    points = random_points(2000)
    features = cluster_points(points, zoom)
    assert total_count(features) == 2000


def test_clustering_output_is_bounded_for_10000_points():
    points = random_points(10000)
    for zoom in (8, 12, 16, 22):
        features = cluster_points(points, zoom, max_features=400)
        assert len(features) <= 400
        assert total_count(features) == 10000
        assert len(json.dumps(features)) < 100_000


def test_far_zoom_makes_one_cluster_and_close_zoom_single_points():
    points = [Point(52.78, 6.89, "a", "A", "/a/"), Point(52.781, 6.891, "b", "B", "/b/"), Point(52.90, 7.05, "c", "C", "/c/")]
    far = cluster_points(points, 3)
    assert len(far) == 1 and far[0]["properties"]["count"] == 3
    assert far[0]["properties"]["bbox"] == [6.89, 52.78, 7.05, 52.9]
    close = cluster_points(points, 18)
    assert sorted(f["properties"]["id"] for f in close) == ["a", "b", "c"]
    assert close[0]["properties"].keys() == {"id", "name", "url"}


def test_points_in_one_building_are_listed_in_their_cluster():
    points = [Point(52.78, 6.89, str(i), f"V{i}", f"/v{i}/") for i in range(3)]
    (feature,) = cluster_points(points, 22)
    assert feature["properties"]["count"] == 3
    assert [i["name"] for i in feature["properties"]["items"]] == ["V0", "V1", "V2"]


def test_bbox_limits_the_points_counted():
    points = random_points(1000)
    bbox = (6.8, 52.7, 6.9, 52.8)
    inside = [p for p in points if 52.7 <= p.lat <= 52.8 and 6.8 <= p.lng <= 6.9]
    assert total_count(cluster_points(points, 13, bbox=bbox)) == len(inside)


@pytest.mark.parametrize("value", ["", "a,b,c,d", "1,2,3", "nan,1,2,3", "10,10,5,5", "1,2,3,4,5"])
def test_bad_bbox_is_ignored(value):
    assert parse_bbox(value) is None


@pytest.mark.django_db
def test_geojson_endpoint_returns_clusters_and_points_for_the_current_query(client, map_page):
    for i in range(30):
        FacilityFactory(name=f"Wonen {i}", terms=[("levensdomein", "wonen")],
                        locations=[LocationFactory(latitude=52.78 + i * 0.0001, longitude=6.89 + i * 0.0001)])
    FacilityFactory(name="Vervoer ver weg", slug="vervoer", terms=[("levensdomein", "vervoer")],
                    locations=[LocationFactory(latitude=52.90, longitude=7.05)])
    FacilityFactory(name="Zonder plek", terms=[("levensdomein", "vervoer")], locations=[LocationFactory(latitude=None, longitude=None)])
    url = map_page.url + "geojson/"
    response = client.get(url, {"zoom": "10", "bbox": "6.5,52.5,7.3,53.1"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    data = response.json()
    assert data["type"] == "FeatureCollection"
    assert data["properties"]["total"] == 32 and data["properties"]["mapped"] == 31
    clusters = [f for f in data["features"] if f["properties"].get("cluster")]
    assert clusters and max(c["properties"]["count"] for c in clusters) == 30
    singles = [f for f in data["features"] if not f["properties"].get("cluster")]
    assert singles == [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [7.05, 52.9]},
                        "properties": {"id": singles[0]["properties"]["id"], "name": "Vervoer ver weg", "url": "/sociale-kaart/vervoer/"}}]
    # the same filters as the list
    data = client.get(url, {"zoom": "10", "levensdomein": "vervoer"}).json()
    assert total_count(data["features"]) == 1
    # viewport: only what is inside the box
    data = client.get(url, {"zoom": "14", "bbox": "7.0,52.85,7.1,52.95"}).json()
    assert total_count(data["features"]) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("params", [{"zoom": "abc"}, {"zoom": "1e308"}, {"bbox": "x"}, {"bbox": "1,2,3,4", "zoom": "-5"}, {"lat": "x", "radius": "-1"}])
def test_geojson_endpoint_survives_bad_input(client, map_page, params):
    FacilityFactory()
    response = client.get(map_page.url + "geojson/", params)
    assert response.status_code == 200
    assert response.json()["type"] == "FeatureCollection"


HOSTILE_GEOJSON_PARAMS = [
    {"zoom": "nan"}, {"zoom": "inf"}, {"zoom": "99"}, {"zoom": "1.5"}, {"zoom": ""}, {"zoom": "9" * 400},
    {"bbox": "inf,52,7,53"}, {"bbox": "1e999,52,7,53"}, {"bbox": "6,53,7,52"}, {"bbox": "6,52,7"}, {"bbox": ",,,"},
    {"bbox": "6;52;7;53"}, {"bbox": "6,52,7,53," * 200}, {"bbox": "\x00"},
    {"q": "<script>alert(1)</script>' OR 1=1 --", "zoom": "12"}, {"q": "\x00\x01null"}, {"q": "hulp " * 500},
    {"levensdomein": ["bestaat-niet", "<script>", "x" * 500]}, {"wijk": "WK999999"}, {"gebied": "'; DROP TABLE x"},
    {"postcode": "0000 XX"}, {"postcode": "7" * 500}, {"postcode": "7811 AB", "radius": "1e308"},
    {"lat": "999", "lng": "-999"}, {"lat": "nan", "lng": "inf", "radius": "5"}, {"lat": "52.78", "lng": "6.89", "radius": "0"},
    {"page": "99999999999999999999"}, {"sort": "DROP TABLE"},
]


@pytest.mark.django_db
@pytest.mark.parametrize("params", HOSTILE_GEOJSON_PARAMS)
def test_geojson_endpoint_ignores_hostile_or_malformed_input(client, map_page, params):
    FacilityFactory(name="Altijd op de kaart", locations=[LocationFactory(latitude=52.78, longitude=6.89)])
    response = client.get(map_page.url + "geojson/", params)
    assert response.status_code == 200
    data = response.json()
    assert data["type"] == "FeatureCollection" and 0 <= data["properties"]["zoom"] <= 22
    assert "<script>" not in response.content.decode()


@pytest.mark.django_db
def test_geojson_ignores_what_it_cannot_use_rather_than_showing_nothing(client, map_page):
    FacilityFactory(name="Dichtbij", locations=[LocationFactory(latitude=52.78, longitude=6.89)])
    FacilityFactory(name="Ver weg", locations=[LocationFactory(latitude=52.95, longitude=7.10)])
    url = map_page.url + "geojson/"

    def total(params):
        data = client.get(url, params).json()
        return sum(f["properties"].get("count", 1) for f in data["features"])

    assert total({"zoom": "12", "bbox": "x"}) == 2  # a bad viewport counts as none
    assert total({"zoom": "12", "bbox": "-500,-100,500,100"}) == 2  # clamped to the world
    assert total({"levensdomein": "bestaat-niet"}) == 2  # unknown facet codes are dropped
    assert total({"postcode": "7811 AB", "radius": "100000"}) == 2  # an absurd radius is no radius
    assert total({"lat": "52.78", "lng": "6.89", "radius": "1"}) == 1  # a sound one applies
    assert total({"lat": "999", "lng": "6.89", "radius": "1"}) == 2  # a position off the globe is not used
