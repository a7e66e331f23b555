"""Server-side grid clustering for the map, so a GeoJSON response stays small whatever the number of
facilities.

Points are put in square grid cells in Web Mercator pixel space at the requested zoom level (cells of
CELL_PX screen pixels, as the map shows them). A cell with one point stays a point; a cell with more
becomes a cluster that carries its count, the mean position and the bounding box of its points (so a
click can zoom to exactly those). When the viewport would still yield more than `max_features` cells,
the grid is coarsened until it does not: the size of the output is bounded, whatever the input.

Written here rather than taken from a library: supercluster-style libraries are JavaScript (they need
every point in the browser, which is what we avoid) and the Python ports are unmaintained.
"""

import math
from dataclasses import dataclass, field

TILE_SIZE = 256
CELL_PX = 64
MIN_ZOOM, MAX_ZOOM = 0, 22
DEFAULT_MAX_FEATURES = 400
MAX_LAT = 85.05112878


@dataclass
class Point:
    lat: float
    lng: float
    id: str = ""
    name: str = ""
    url: str = ""


@dataclass
class Cell:
    points: list = field(default_factory=list)
    count: int = 0
    sum_lat: float = 0.0
    sum_lng: float = 0.0
    min_lat: float = 90.0
    min_lng: float = 180.0
    max_lat: float = -90.0
    max_lng: float = -180.0

    def add(self, point, keep):
        self.count += 1
        self.sum_lat += point.lat
        self.sum_lng += point.lng
        self.min_lat, self.max_lat = min(self.min_lat, point.lat), max(self.max_lat, point.lat)
        self.min_lng, self.max_lng = min(self.min_lng, point.lng), max(self.max_lng, point.lng)
        if len(self.points) < keep:
            self.points.append(point)


def clamp_zoom(zoom):
    try:
        zoom = int(float(zoom))
    except (TypeError, ValueError, OverflowError):
        return None
    return max(MIN_ZOOM, min(MAX_ZOOM, zoom))


def parse_bbox(value):
    """'minlng,minlat,maxlng,maxlat' -> a tuple, or None when it is not a valid box."""
    try:
        parts = [float(p) for p in str(value).split(",")]
    except (TypeError, ValueError):
        return None
    if len(parts) != 4 or not all(math.isfinite(p) for p in parts):
        return None
    min_lng, min_lat, max_lng, max_lat = parts
    min_lat, max_lat = max(-90.0, min_lat), min(90.0, max_lat)
    min_lng, max_lng = max(-180.0, min_lng), min(180.0, max_lng)
    if min_lat > max_lat or min_lng > max_lng:
        return None
    return (min_lng, min_lat, max_lng, max_lat)


def in_bbox(point, bbox):
    if bbox is None:
        return True
    min_lng, min_lat, max_lng, max_lat = bbox
    return min_lat <= point.lat <= max_lat and min_lng <= point.lng <= max_lng


def to_pixels(lat, lng, zoom):
    """Web Mercator pixel coordinates of a position at a zoom level."""
    lat = max(-MAX_LAT, min(MAX_LAT, lat))
    scale = TILE_SIZE * (2**zoom)
    x = (lng + 180.0) / 360.0 * scale
    sin = math.sin(math.radians(lat))
    y = (0.5 - math.log((1 + sin) / (1 - sin)) / (4 * math.pi)) * scale
    return x, y


def grid(points, zoom, cell_px, keep):
    cells = {}
    for point in points:
        x, y = to_pixels(point.lat, point.lng, zoom)
        key = (int(x // cell_px), int(y // cell_px))
        cell = cells.get(key)
        if cell is None:
            cell = cells[key] = Cell()
        cell.add(point, keep)
    return cells


def cluster_points(points, zoom, bbox=None, cell_px=CELL_PX, max_features=DEFAULT_MAX_FEATURES, keep_same_place=10):
    """Cluster `points` (Point objects) inside `bbox` at `zoom`; returns a list of GeoJSON features.

    Every point inside the box is counted exactly once. Clusters whose points all share one position
    (several facilities in one building) list up to `keep_same_place` of them, since zooming in cannot
    split them."""
    zoom = clamp_zoom(zoom)
    if zoom is None:
        zoom = 12
    points = [p for p in points if in_bbox(p, bbox)]
    cell_px = max(1, cell_px)
    cells = grid(points, zoom, cell_px, keep_same_place)
    while len(cells) > max_features:
        cell_px *= 2
        cells = grid(points, zoom, cell_px, keep_same_place)
    features = []
    for (cx, cy), cell in sorted(cells.items()):
        if cell.count == 1:
            features.append(point_feature(cell.points[0]))
        else:
            features.append(cluster_feature(cell, f"{zoom}/{cell_px}/{cx}/{cy}"))
    return features


def point_feature(point):
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(point.lng, 6), round(point.lat, 6)]},
        "properties": {"id": point.id, "name": point.name, "url": point.url},
    }


def cluster_feature(cell, key):
    properties = {
        "cluster": True,
        "id": key,
        "count": cell.count,
        "bbox": [round(cell.min_lng, 6), round(cell.min_lat, 6), round(cell.max_lng, 6), round(cell.max_lat, 6)],
    }
    if cell.min_lat == cell.max_lat and cell.min_lng == cell.max_lng:
        properties["items"] = [{"id": p.id, "name": p.name, "url": p.url} for p in cell.points]
    return {
        "type": "Feature",
        "geometry": {
            "type": "Point",
            "coordinates": [round(cell.sum_lng / cell.count, 6), round(cell.sum_lat / cell.count, 6)],
        },
        "properties": properties,
    }


def feature_collection(features, **properties):
    return {"type": "FeatureCollection", "features": features, **({"properties": properties} if properties else {})}
