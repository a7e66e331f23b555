"""Areas of the demo municipality: gemeente Emmen, six gebieden, 27 CBS wijken with their boundaries.

Boundaries: CBS / Kadaster (PDOK) Wijk- en buurtkaart 2024, CC BY 4.0, via cartomap/nl (see DATA_SOURCES.md).
The grouping of wijken into gebieden is approximate, as DESIGN.md says.
"""

import json
from pathlib import Path

from django.utils.text import slugify

BOUNDARIES_FILE = Path(__file__).resolve().parent / "data" / "emmen_GM0114_wijken_2024.geojson"

GEMEENTE = ("Gemeente Emmen", "GM0114")
GEBIEDEN = {
    "De Monden": ["WK011401", "WK011402", "WK011403", "WK011404"],
    "De Velden": ["WK011407", "WK011408", "WK011409", "WK011410", "WK011421", "WK011432"],
    "De Blokken": ["WK011405", "WK011406", "WK011413"],
    "Emmen Noord": ["WK011442", "WK011444", "WK011445", "WK011451"],
    "Emmen Oost": ["WK011441", "WK011443", "WK011447", "WK011448", "WK011449"],
    "Emmen Zuid": ["WK011440", "WK011446", "WK011450", "WK011452", "WK011453"],
}
VILLAGE_CODES = {"WK011401", "WK011402", "WK011403", "WK011404", "WK011405", "WK011406", "WK011407", "WK011408",
                 "WK011409", "WK011410", "WK011413", "WK011421", "WK011432"}


def wijk_name(statnaam):
    """'Wijk 44 Emmerhout' -> 'Emmerhout'."""
    parts = statnaam.split(" ", 2)
    return parts[2] if len(parts) == 3 and parts[0] == "Wijk" else statnaam


def ring_centroid(ring):
    """Area-weighted centroid of a polygon ring of [lng, lat] points (good enough at this scale)."""
    area = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        cross = x1 * y2 - x2 * y1
        area += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    if abs(area) < 1e-12:
        xs, ys = zip(*ring)
        return sum(ys) / len(ys), sum(xs) / len(xs)
    area *= 0.5
    return cy / (6 * area), cx / (6 * area)


def geometry_centroid(geometry):
    if geometry["type"] == "Polygon":
        return ring_centroid(geometry["coordinates"][0])
    # MultiPolygon: the centroid of the largest part.
    rings = [poly[0] for poly in geometry["coordinates"]]
    return ring_centroid(max(rings, key=len))


def point_in_ring(lat, lng, ring):
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        if (y1 > lat) != (y2 > lat) and lng < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def point_in_geometry(lat, lng, geometry):
    if not geometry:
        return False
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    for polygon in polygons:
        if point_in_ring(lat, lng, polygon[0]) and not any(point_in_ring(lat, lng, hole) for hole in polygon[1:]):
            return True
    return False


def load_areas(Area):
    """Create or update the demo areas; works with the real model and with a migration's historical model."""
    features = {f["properties"]["statcode"]: f for f in json.loads(BOUNDARIES_FILE.read_text())["features"]}
    gemeente, _ = Area.objects.update_or_create(
        slug="emmen", defaults={"name": GEMEENTE[0], "kind": "gemeente", "cbs_code": GEMEENTE[1], "parent": None,
                                "latitude": 52.7858, "longitude": 6.8975}
    )
    for gebied_name, codes in GEBIEDEN.items():
        centroids = [geometry_centroid(features[c]["geometry"]) for c in codes]
        gebied, _ = Area.objects.update_or_create(
            slug=slugify(gebied_name),
            defaults={"name": gebied_name, "kind": "gebied", "parent": gemeente,
                      "latitude": sum(c[0] for c in centroids) / len(centroids),
                      "longitude": sum(c[1] for c in centroids) / len(centroids)},
        )
        for code in codes:
            feature = features[code]
            lat, lng = geometry_centroid(feature["geometry"])
            name = wijk_name(feature["properties"]["statnaam"])
            Area.objects.update_or_create(
                cbs_code=code,
                defaults={"name": name, "slug": slugify(name), "kind": "dorp" if code in VILLAGE_CODES else "wijk",
                          "parent": gebied, "boundary": feature["geometry"], "latitude": lat, "longitude": lng},
            )
