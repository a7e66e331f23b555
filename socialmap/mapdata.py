"""The map's GeoJSON for a search, clustered in the database.

`socialmap.clustering.cluster_points` clusters Point objects in Python; that needs every matching
facility loaded first, which at 100,000 facilities costs seconds per map move. Here the same grid (cells
of CELL_PX screen pixels in Web Mercator at the map's zoom) is computed by the database: one GROUP BY on
the cell of each facility's map position returns a row per non-empty cell with its count, sums and
bounding box, so only a few hundred rows leave the database whatever the number of facilities. The cells
of a coarser grid (cell size doubled) are exactly unions of 2x2 finer cells, so coarsening until at most
`max_features` remain happens in Python on those rows, with the same result as cluster_points.

Which facilities, and where: the same as the list. Filters come from search.facilities (apply_filters),
a facility is placed at the location the list shows for it (its first location, or with "near" its
nearest one) and "near" with a radius keeps the facilities whose nearest location lies within it. Text
queries go through the search backend, which alone knows relevance (see views.map_geojson).

The first location's position is stored on the facility (Facility.map_latitude/map_longitude, kept by
refresh_map_positions through signals), so the usual map request reads one table: joining facilities,
their links and locations and picking each facility's first link cost seconds at 100,000 facilities.

Works on PostgreSQL and SQLite: only functions Django provides on both (Django registers SIN, LN,
RADIANS and the like on SQLite connections).
"""

import math
import uuid
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import ASin, Cast, Cos, Floor, Greatest, Least, Ln, Power, Radians, Sin, Sqrt

from search.facilities import EARTH_RADIUS_KM, apply_filters

from .clustering import (
    CELL_PX,
    DEFAULT_MAX_FEATURES,
    MAX_LAT,
    MAX_ZOOM,
    TILE_SIZE,
    Cell,
    Point,
    clamp_zoom,
    cluster_feature,
    point_feature,
    to_pixels,
)

# A first grid with more non-empty cells than this (a zoomed-in map without a viewport) is not fetched;
# the grid is coarsened in the database first. Any grid with this many cells is coarsened anyway, since
# DEFAULT_MAX_FEATURES is far lower, so the result is the same.
MAX_CELL_ROWS = 5000

# Facility.map_x/map_y: the map position in whole Web Mercator pixels at PIXEL_ZOOM (the deepest zoom),
# WORLD_PX pixels around the world (2**30: fits a 32-bit integer). A grid cell of `cell_px` pixels at
# `zoom` is then map_x // (cell_px * 2**(PIXEL_ZOOM - zoom)): the same cell as clustering.to_pixels gives
# (scaling by a power of two is exact in floating point, and floor(floor(a) / d) == floor(a / d) for a
# whole d), computed on an indexed integer column instead of a logarithm per row.
PIXEL_ZOOM = MAX_ZOOM
WORLD_PX = TILE_SIZE * 2**PIXEL_ZOOM


@dataclass(frozen=True)
class PositionFields:
    """Where the rows being clustered keep a position and the facility it places."""

    lat: str
    lng: str
    facility_id: str
    name: str
    slug: str
    x: str = ""  # whole pixels at PIXEL_ZOOM (Facility.map_x/map_y), when the rows have them
    y: str = ""


# Facility rows: the stored position of the first location (no join). ServiceAtLocation rows: any location
# of the facility (for "near", where the nearest one counts).
ON_FACILITY = PositionFields("map_latitude", "map_longitude", "id", "name", "slug", "map_x", "map_y")
ON_LOCATION = PositionFields("location__latitude", "location__longitude", "facility_id", "facility__name", "facility__slug")


def public_facilities_matching(filters):
    """The live, active facilities that pass the facet filters (a lazy queryset, used as a subquery)."""
    from .models import Facility

    return apply_filters(Facility.objects.filter(live=True, status=Facility.ACTIVE), filters)


def distance_km(near, lat=ON_LOCATION.lat, lng=ON_LOCATION.lng):
    """Great-circle distance from `near` in km, as search.facilities.haversine_km computes it."""
    lat0, lng0 = near
    half_dlat = Radians(F(lat) - Value(float(lat0))) / 2
    half_dlng = Radians(F(lng) - Value(float(lng0))) / 2
    a = Power(Sin(half_dlat), 2) + Value(math.cos(math.radians(lat0))) * Cos(Radians(F(lat))) * Power(Sin(half_dlng), 2)
    return Value(2 * EARTH_RADIUS_KM) * ASin(Least(Sqrt(a), Value(1.0), output_field=FloatField()))


def text_restriction(text, near=None):
    """The facilities a search text matches, as SQL for `pk__in` (the search's own matching, see
    search.sqlsearch.docs_cte), or None when the facility search backend is not the database's (its hits
    are clustered in Python then: see views.map_geojson). EMPTY when nothing can match the text."""
    from search.backends import DatabaseFacilityBackend, get_facility_backend
    from search.indexing import vocabulary_scope
    from search.sqlsearch import docs_cte

    backend = get_facility_backend()
    if not isinstance(backend, DatabaseFacilityBackend):
        return None
    with vocabulary_scope():
        match = backend.text_match(backend.parse(text.strip(), near=near))
    if match is None:
        return EMPTY
    sql, params = docs_cte(match)
    return RawSQL(f"WITH {sql} SELECT docs.facility_id FROM docs", params)


EMPTY = object()


def map_positions(filters=None, near=None, radius_km=None, text=None):
    """The rows to cluster, one per matching facility that has a map position: the location the list
    shows for it. Returns (rows, fields, facilities): the rows, where their positions are (PositionFields),
    and the matching facilities (the radius applied) for counting. `text`: a text_restriction()."""
    from .models import ServiceAtLocation

    facilities = public_facilities_matching(filters)
    if text is EMPTY:
        facilities = facilities.none()
    elif text is not None:
        facilities = facilities.filter(pk__in=text)
    if near is None:
        # The first location by sort order, stored on the facility (refresh_map_positions); empty when that
        # location has no position, even when a later one has: the list shows the first one too. map_x is
        # set exactly when both are (and is what the partial index socialmap_facility_mappx covers).
        rows = facilities.filter(map_x__isnull=False)
        return rows, ON_FACILITY, facilities
    positioned = Q(location__latitude__isnull=False, location__longitude__isnull=False)
    links = ServiceAtLocation.objects.filter(facility__in=facilities.values("pk"))
    rows = links.filter(positioned).annotate(distance=distance_km(near))
    closer = (
        ServiceAtLocation.objects.filter(positioned, facility_id=OuterRef("facility_id"))
        .annotate(distance=distance_km(near))
        .filter(Q(distance__lt=OuterRef("distance")) | Q(distance=OuterRef("distance"), id__lt=OuterRef("id")))
    )
    rows = rows.filter(~Exists(closer))
    if radius_km:
        rows = rows.filter(distance__lte=float(radius_km))
        facilities = facilities.filter(pk__in=rows.values("facility_id"))
    return rows, ON_LOCATION, facilities


def in_bbox(rows, fields, bbox):
    if bbox is None:
        return rows
    min_lng, min_lat, max_lng, max_lat = bbox
    if fields.x:
        # The indexed pixel range first (a pixel wider each side against rounding), then the exact box
        # on the positions the index carries along.
        x0, y1 = to_pixels(min_lat, min_lng, PIXEL_ZOOM)
        x1, y0 = to_pixels(max_lat, max_lng, PIXEL_ZOOM)
        rows = rows.filter(**{
            f"{fields.x}__gte": math.floor(x0) - 1, f"{fields.x}__lte": math.floor(x1) + 1,
            f"{fields.y}__gte": math.floor(y0) - 1, f"{fields.y}__lte": math.floor(y1) + 1,
        })
    return rows.filter(**{
        f"{fields.lat}__gte": min_lat, f"{fields.lat}__lte": max_lat,
        f"{fields.lng}__gte": min_lng, f"{fields.lng}__lte": max_lng,
    })


def cell_expressions(zoom, cell_px, fields=ON_FACILITY):
    """The grid cell (column, row) of a position: Web Mercator pixels at `zoom` divided by the cell size,
    the same arithmetic as clustering.to_pixels."""
    if fields.x and isinstance(cell_px, int):
        # Whole pixels at PIXEL_ZOOM: an integer division (both databases divide integers as integers,
        # rounding toward zero; the pixels are never negative).
        divisor = cell_px * 2 ** (PIXEL_ZOOM - zoom)
        return (
            ExpressionWrapper(F(fields.x) / Value(divisor), output_field=IntegerField()),
            ExpressionWrapper(F(fields.y) / Value(divisor), output_field=IntegerField()),
        )
    scale = float(TILE_SIZE * 2**zoom)
    x = (F(fields.lng) + Value(180.0)) / Value(360.0) * Value(scale)
    lat = Greatest(Least(F(fields.lat), Value(MAX_LAT), output_field=FloatField()), Value(-MAX_LAT), output_field=FloatField())
    sin = Sin(Radians(lat))
    y = (Value(0.5) - Ln((Value(1.0) + sin) / (Value(1.0) - sin)) / Value(4 * math.pi)) * Value(scale)
    return (
        Cast(Floor(x / Value(float(cell_px))), IntegerField()),
        Cast(Floor(y / Value(float(cell_px))), IntegerField()),
    )


def grid_rows(rows, fields, zoom, cell_px, limit):
    """Per non-empty cell: count, sums, bounding box and one facility id (enough for a single point)."""
    cx, cy = cell_expressions(zoom, cell_px, fields)
    lat, lng = fields.lat, fields.lng
    return list(
        rows.annotate(cx=cx, cy=cy)
        .values("cx", "cy")
        .annotate(
            count=Count("pk"),
            sum_lat=Sum(lat), sum_lng=Sum(lng),
            min_lat=Min(lat), max_lat=Max(lat), min_lng=Min(lng), max_lng=Max(lng),
            # min() over uuid does not exist in PostgreSQL; over its text it does (only read when count is 1)
            facility=Min(Cast(fields.facility_id, TextField())),
        )
        .order_by()[:limit]
    )


def merge(cells, factor):
    """Cells of a grid `factor` times coarser: the union of the finer cells inside each."""
    merged = {}
    for (cx, cy), cell in cells.items():
        key = (cx // factor, cy // factor)
        target = merged.get(key)
        if target is None:
            merged[key] = target = Cell()
        target.count += cell.count
        target.sum_lat += cell.sum_lat
        target.sum_lng += cell.sum_lng
        target.min_lat, target.max_lat = min(target.min_lat, cell.min_lat), max(target.max_lat, cell.max_lat)
        target.min_lng, target.max_lng = min(target.min_lng, cell.min_lng), max(target.max_lng, cell.max_lng)
        target.facility = getattr(cell, "facility", None)
    return merged


def database_cells(rows, fields, zoom, cell_px=CELL_PX, max_features=DEFAULT_MAX_FEATURES):
    """The non-empty cells of the coarsest-needed grid: {(cx, cy): Cell}, and that grid's cell size."""
    cell_px = max(1, cell_px)
    while True:
        found = grid_rows(rows, fields, zoom, cell_px, MAX_CELL_ROWS + 1)
        if len(found) <= MAX_CELL_ROWS:
            break
        cell_px *= 2  # far more cells than will be shown: let the database coarsen before sending them
    cells = {}
    for row in found:
        cell = Cell(count=row["count"], sum_lat=row["sum_lat"], sum_lng=row["sum_lng"], min_lat=row["min_lat"],
                    max_lat=row["max_lat"], min_lng=row["min_lng"], max_lng=row["max_lng"])
        cell.facility = row["facility"]
        cells[(row["cx"], row["cy"])] = cell
    factor = 1
    while len(cells) > max_features:
        cells = merge(cells, 2)
        factor *= 2
    return cells, cell_px * factor


def cluster_in_database(rows, fields, zoom, bbox, facility_url, keep_same_place=10, **grid_options):
    """GeoJSON features for `rows` (from map_positions) inside `bbox` at `zoom`, like cluster_points."""
    from .models import Facility

    zoom = clamp_zoom(zoom)
    if zoom is None:
        zoom = 12
    rows = in_bbox(rows, fields, bbox)
    cells, cell_px = database_cells(rows, fields, zoom, **grid_options)
    singles = {cell.facility for cell in cells.values() if cell.count == 1}
    same_place = [cell for cell in cells.values() if cell.count > 1 and cell.min_lat == cell.max_lat and cell.min_lng == cell.max_lng]
    names = {
        str(pk): (name, slug)
        for pk, name, slug in Facility.objects.filter(pk__in=[uuid.UUID(f) for f in singles]).values_list("pk", "name", "slug")
    }
    for cell in same_place:
        # Several facilities in one building: zooming in cannot split them, so the cluster lists them.
        cell.points = [
            Point(lat, lng, str(pk), name, facility_url(slug))
            for pk, name, slug, lat, lng in rows.filter(**{fields.lat: cell.min_lat, fields.lng: cell.min_lng})
            .order_by(fields.name, fields.facility_id)
            .values_list(fields.facility_id, fields.name, fields.slug, fields.lat, fields.lng)[:keep_same_place]
        ]
    features = []
    for (cx, cy), cell in sorted(cells.items()):
        if cell.count == 1:
            name, slug = names[str(uuid.UUID(cell.facility))]
            point = Point(cell.min_lat, cell.min_lng, str(uuid.UUID(cell.facility)), name, facility_url(slug))
            features.append(point_feature(point))
        else:
            features.append(cluster_feature(cell, f"{zoom}/{cell_px}/{cx}/{cy}"))
    return features


def features_count(features):
    """How many facilities the features stand for (a cluster for its count, a point for one)."""
    return sum(f["properties"].get("count", 1) for f in features)


def map_features(filters, near, radius_km, zoom, bbox, facility_url, text=None):
    """(features, total, mapped): the GeoJSON endpoint's work, in the database. `text`: a
    text_restriction() for a search with text. total counts every matching facility, mapped those the
    features show (inside the viewport): counting the mapped ones outside it would cost another pass over
    all of them."""
    rows, fields, facilities = map_positions(filters, near=near, radius_km=radius_km, text=text)
    features = cluster_in_database(rows, fields, zoom, bbox, facility_url)
    return features, facilities.count(), features_count(features)


# -- Keeping Facility.map_latitude/map_longitude current --------------------------------------------------


def refresh_map_positions(facilities=None):
    """Store on each facility (all, or a queryset or list of ids) the position of its first location, in
    one UPDATE. Signals call it when a facility's locations or a location's position change; code that
    bulk-creates them (benchdata) calls it itself."""
    from .models import Facility, ServiceAtLocation

    first = ServiceAtLocation.objects.filter(facility_id=OuterRef("pk")).order_by("sort_order", "id")
    if facilities is None:
        queryset = Facility.objects.all()
    elif hasattr(facilities, "model") and facilities.model is Facility:
        queryset = Facility.objects.filter(pk__in=facilities.values("pk"))
    else:
        queryset = Facility.objects.filter(pk__in=list(facilities))
    updated = queryset.update(
        map_latitude=Subquery(first.values("location__latitude")[:1]),
        map_longitude=Subquery(first.values("location__longitude")[:1]),
    )
    map_x, map_y = pixel_expressions("map_latitude", "map_longitude")
    queryset.update(map_x=map_x, map_y=map_y)
    return updated


def pixel_expressions(lat, lng):
    """Facility.map_x/map_y from a latitude and longitude field: clustering.to_pixels at PIXEL_ZOOM,
    rounded down (both NULL unless both fields are set)."""
    scale = float(WORLD_PX)
    lng_value = Greatest(Least(F(lng), Value(180.0), output_field=FloatField()), Value(-180.0), output_field=FloatField())
    x = (lng_value + Value(180.0)) / Value(360.0) * Value(scale)
    lat_value = Greatest(Least(F(lat), Value(MAX_LAT), output_field=FloatField()), Value(-MAX_LAT), output_field=FloatField())
    sin = Sin(Radians(lat_value))
    y = (Value(0.5) - Ln((Value(1.0) + sin) / (Value(1.0) - sin)) / Value(4 * math.pi)) * Value(scale)
    placed = Q(**{f"{lat}__isnull": False, f"{lng}__isnull": False})
    return tuple(Case(When(placed, then=Cast(Floor(v), IntegerField())), default=None, output_field=IntegerField()) for v in (x, y))


def on_link_changed(sender, instance, raw=False, **kwargs):
    if not raw and instance.facility_id:
        refresh_map_positions([instance.facility_id])


def on_location_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        from .models import ServiceAtLocation

        refresh_map_positions(list(ServiceAtLocation.objects.filter(location_id=instance.pk).values_list("facility_id", flat=True)))


def connect_signals():
    from django.db.models.signals import post_delete, post_save

    from .models import Location, ServiceAtLocation

    post_save.connect(on_link_changed, sender=ServiceAtLocation, dispatch_uid="socialmap_map_link_saved")
    post_delete.connect(on_link_changed, sender=ServiceAtLocation, dispatch_uid="socialmap_map_link_deleted")
    post_save.connect(on_location_saved, sender=Location, dispatch_uid="socialmap_map_location_saved")
