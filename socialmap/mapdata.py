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

from search.facilities import EARTH_RADIUS_KM, FACET_GROUPS, apply_filters, group_filter_q

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

# MapCell: per square of MAP_CELL_PX pixels at PIXEL_ZOOM (a 64-pixel cell at zoom 14, about 370 m in
# Emmen) the count, sums and bounding box of the public facilities in it, kept by refresh_map_positions.
# A map at zoom 14 or less without filters adds up these few thousand rows instead of 100,000 facilities.
MAP_CELL_PX = 2**14


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
    return rows if bbox is None else rows.filter(bbox_q(fields, bbox))


def bbox_q(fields, bbox):
    """A Q for the rows inside bbox (min_lng, min_lat, max_lng, max_lat)."""
    if bbox is None:
        return Q()
    min_lng, min_lat, max_lng, max_lat = bbox
    q = Q()
    if fields.x:
        # The indexed pixel range first (a pixel wider each side against rounding), then the exact box
        # on the positions the index carries along.
        x0, y1 = to_pixels(min_lat, min_lng, PIXEL_ZOOM)
        x1, y0 = to_pixels(max_lat, max_lng, PIXEL_ZOOM)
        q = Q(**{
            f"{fields.x}__gte": math.floor(x0) - 1, f"{fields.x}__lte": math.floor(x1) + 1,
            f"{fields.y}__gte": math.floor(y0) - 1, f"{fields.y}__lte": math.floor(y1) + 1,
        })
    return q & Q(**{
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
    """Per non-empty cell: count, sums, bounding box and what finds a single facility again (its pixel
    with stored pixels, else its id)."""
    cx, cy = cell_expressions(zoom, cell_px, fields)
    lat, lng = fields.lat, fields.lng
    if fields.x:
        # The pixel of a cell's only facility is enough to find it (cluster_in_database): cheaper than
        # min() over the text of 100,000 uuids (PostgreSQL has no min(uuid)).
        single = {"px": Min(fields.x), "py": Min(fields.y)}
    else:
        single = {"facility": Min(Cast(fields.facility_id, TextField()))}
    return list(
        rows.annotate(cx=cx, cy=cy)
        .values("cx", "cy")
        .annotate(
            count=Count("pk"),
            sum_lat=Sum(lat), sum_lng=Sum(lng),
            min_lat=Min(lat), max_lat=Max(lat), min_lng=Min(lng), max_lng=Max(lng),
            **single,
        )
        .order_by()[:limit]
    )


def as_cell(row):
    cell = Cell(count=row["count"], sum_lat=row["sum_lat"], sum_lng=row["sum_lng"], min_lat=row["min_lat"],
                max_lat=row["max_lat"], min_lng=row["min_lng"], max_lng=row["max_lng"])
    cell.facility, cell.px, cell.py = row.get("facility"), row.get("px"), row.get("py")
    return cell


def add_cell(cells, key, cell):
    """Add `cell` into cells[key] (the union of both)."""
    target = cells.get(key)
    if target is None:
        cells[key] = target = Cell()
    target.count += cell.count
    target.sum_lat += cell.sum_lat
    target.sum_lng += cell.sum_lng
    target.min_lat, target.max_lat = min(target.min_lat, cell.min_lat), max(target.max_lat, cell.max_lat)
    target.min_lng, target.max_lng = min(target.min_lng, cell.min_lng), max(target.max_lng, cell.max_lng)
    # only read when the union holds one facility, i.e. this one
    target.facility, target.px, target.py = getattr(cell, "facility", None), getattr(cell, "px", None), getattr(cell, "py", None)
    target.single = getattr(cell, "single", None)


def merge(cells, factor):
    """Cells of a grid `factor` times coarser: the union of the finer cells inside each."""
    merged = {}
    for (cx, cy), cell in cells.items():
        add_cell(merged, (cx // factor, cy // factor), cell)
    return merged


def precomputed_cells(zoom, cell_px, bbox, rows, fields):
    """The grid from the MapCell table (all public facilities, no filters): {(cx, cy): Cell}, or None when
    the grid is finer than MapCell's. Whole MapCells inside the viewport come from the table; the strip
    along the viewport's edge, where a MapCell may stick out, comes from the facilities themselves."""
    from .models import MapCell

    divisor = cell_px * 2 ** (PIXEL_ZOOM - zoom)
    if divisor % MAP_CELL_PX:
        return None
    factor = divisor // MAP_CELL_PX
    squares = MapCell.objects.all()
    inside = None
    if bbox is not None:
        min_lng, min_lat, max_lng, max_lat = bbox
        x0, y1 = to_pixels(min_lat, min_lng, PIXEL_ZOOM)
        x1, y0 = to_pixels(max_lat, max_lng, PIXEL_ZOOM)
        # MapCells whose pixels all lie two pixels or more inside the box (so inside it, rounding aside)
        cx0, cx1 = -(-(math.floor(x0) + 2) // MAP_CELL_PX), (math.floor(x1) - 1) // MAP_CELL_PX - 1
        cy0, cy1 = -(-(math.floor(y0) + 2) // MAP_CELL_PX), (math.floor(y1) - 1) // MAP_CELL_PX - 1
        if cx0 > cx1 or cy0 > cy1:
            return None  # a viewport smaller than a MapCell
        inside = (cx0, cx1, cy0, cy1)
        # and those the box's edge crosses, which hold facilities outside it too
        squares = squares.filter(cx__gte=(math.floor(x0) - 1) // MAP_CELL_PX, cx__lte=(math.floor(x1) + 1) // MAP_CELL_PX,
                                 cy__gte=(math.floor(y0) - 1) // MAP_CELL_PX, cy__lte=(math.floor(y1) + 1) // MAP_CELL_PX)
    # One query for the few thousand squares at most; added up here.
    found = squares.values_list("cx", "cy", "count", "sum_lat", "sum_lng", "min_lat", "max_lat", "min_lng", "max_lng", "px", "py")
    cells, crossed = {}, []
    for cx, cy, count, sum_lat, sum_lng, min_lat, max_lat, min_lng, max_lng, px, py in found:
        if inside is None or (inside[0] <= cx <= inside[1] and inside[2] <= cy <= inside[3]):
            cell = Cell(count=count, sum_lat=sum_lat, sum_lng=sum_lng, min_lat=min_lat, max_lat=max_lat, min_lng=min_lng, max_lng=max_lng)
            cell.px, cell.py = px, py
            add_cell(cells, (cx // factor, cy // factor), cell)
        else:
            crossed.append((cx, cy))
    if len(crossed) > MAP_CELLS_PIECEMEAL:
        return None
    if crossed:
        # their facilities inside the box, one by one (an index lookup per MapCell)
        for row in grid_rows(in_map_cells(rows, crossed), fields, zoom, cell_px, None):
            add_cell(cells, (row["cx"], row["cy"]), as_cell(row))
    return cells


def database_cells(rows, fields, zoom, cell_px=CELL_PX, max_features=DEFAULT_MAX_FEATURES, bbox=None, precomputed=False):
    """The non-empty cells of the coarsest-needed grid: {(cx, cy): Cell}, and that grid's cell size.
    `rows` are inside `bbox` already; `precomputed`: they are all public facilities (no filters), so
    MapCell may stand in for them."""
    cell_px = max(1, cell_px)
    cells = precomputed_cells(zoom, cell_px, bbox, rows, fields) if precomputed and fields.x else None
    if cells is None:
        while True:
            found = grid_rows(rows, fields, zoom, cell_px, MAX_CELL_ROWS + 1)
            if len(found) <= MAX_CELL_ROWS:
                break
            cell_px *= 2  # far more cells than will be shown: let the database coarsen before sending them
        cells = {(row["cx"], row["cy"]): as_cell(row) for row in found}
    factor = 1
    while len(cells) > max_features:
        cells = merge(cells, 2)
        factor *= 2
    return cells, cell_px * factor


def matching_cells(facilities, zoom, cell_px=CELL_PX, max_features=DEFAULT_MAX_FEATURES, bbox=None):
    """For filtered facilities (facets, text): (cells, cell_px, total) in one pass over them, so a text
    match is computed once. Facilities outside the box or without a position fall in one group without
    a cell (NULL), which only adds to the total; a cell's only facility comes along (min() of one)."""
    inside = Q(map_x__isnull=False) & bbox_q(ON_FACILITY, bbox)
    cell_px = max(1, cell_px)
    while True:
        cx, cy = cell_expressions(zoom, cell_px, ON_FACILITY)
        found = list(
            facilities.annotate(cx=Case(When(inside, then=cx), default=None, output_field=IntegerField()),
                                cy=Case(When(inside, then=cy), default=None, output_field=IntegerField()))
            .values("cx", "cy")
            .annotate(count=Count("pk"), sum_lat=Sum("map_latitude"), sum_lng=Sum("map_longitude"), min_lat=Min("map_latitude"),
                      max_lat=Max("map_latitude"), min_lng=Min("map_longitude"), max_lng=Max("map_longitude"),
                      facility=Min(Cast("id", TextField())), name=Min("name"), slug=Min("slug"))
            .order_by()[: MAX_CELL_ROWS + 1]
        )
        if len(found) <= MAX_CELL_ROWS:
            break
        cell_px *= 2
    total = sum(row["count"] for row in found)
    cells = {}
    for row in found:
        if row["cx"] is not None:
            cell = cells[(row["cx"], row["cy"])] = as_cell(row)
            cell.single = (str(uuid.UUID(row["facility"])), row["name"], row["slug"])
    factor = 1
    while len(cells) > max_features:
        cells = merge(cells, 2)
        factor *= 2
    return cells, cell_px * factor, total


def single_facilities(rows, fields, cells):
    """{id(cell): (facility id, name, slug)} for the cells holding one facility, in one query."""
    singles = [cell for cell in cells if cell.count == 1]
    known = {id(c): c.single for c in singles if getattr(c, "single", None)}
    singles = [c for c in singles if id(c) not in known]
    if not singles:
        return known
    if fields.x:
        # The only facility of the rows in that cell at that pixel and position.
        by_place = {(c.px, c.py, c.min_lat, c.min_lng): id(c) for c in singles}
        found = rows.filter(**{f"{fields.x}__in": sorted({c.px for c in singles}), f"{fields.y}__in": sorted({c.py for c in singles})})
        values = found.values_list(fields.x, fields.y, fields.lat, fields.lng, fields.facility_id, fields.name, fields.slug)
        return {by_place[tuple(place)]: (str(pk), name, slug) for *place, pk, name, slug in values if tuple(place) in by_place} | known
    from .models import Facility

    names = {
        str(pk): (name, slug)
        for pk, name, slug in Facility.objects.filter(pk__in=[uuid.UUID(c.facility) for c in singles]).values_list("pk", "name", "slug")
    }
    return {id(c): (str(uuid.UUID(c.facility)), *names[str(uuid.UUID(c.facility))]) for c in singles} | known


def cluster_in_database(rows, fields, zoom, bbox, facility_url, keep_same_place=10, precomputed=False, matching=None, **grid_options):
    """GeoJSON features for `rows` (from map_positions) inside `bbox` at `zoom`, like cluster_points.
    `matching`: the filtered facilities (map_positions' third value) when they are counted in the same
    pass (matching_cells); returns (features, that total or None)."""
    zoom = clamp_zoom(zoom)
    if zoom is None:
        zoom = 12
    rows = in_bbox(rows, fields, bbox)
    total = None
    if matching is not None:
        cells, cell_px, total = matching_cells(matching, zoom, bbox=bbox, **grid_options)
    else:
        cells, cell_px = database_cells(rows, fields, zoom, bbox=bbox, precomputed=precomputed, **grid_options)
    singles = single_facilities(rows, fields, cells.values())
    same_place = {(c.min_lat, c.min_lng): c for c in cells.values() if c.count > 1 and c.min_lat == c.max_lat and c.min_lng == c.max_lng}
    if same_place:
        # Several facilities in one building: zooming in cannot split them, so the cluster lists them.
        for cell in same_place.values():
            cell.points = []
        place = Q()
        for lat, lng in same_place:
            place |= Q(**{fields.lat: lat, fields.lng: lng})
        for pk, name, slug, lat, lng in (
            rows.filter(place).order_by(fields.name, fields.facility_id)
            .values_list(fields.facility_id, fields.name, fields.slug, fields.lat, fields.lng)
        ):
            cell = same_place[(lat, lng)]
            if len(cell.points) < keep_same_place:
                cell.points.append(Point(lat, lng, str(pk), name, facility_url(slug)))
    features = []
    for (cx, cy), cell in sorted(cells.items()):
        if cell.count == 1:
            pk, name, slug = singles[id(cell)]
            features.append(point_feature(Point(cell.min_lat, cell.min_lng, pk, name, facility_url(slug))))
        else:
            features.append(cluster_feature(cell, f"{zoom}/{cell_px}/{cx}/{cy}"))
    return features, total


def features_count(features):
    """How many facilities the features stand for (a cluster for its count, a point for one)."""
    return sum(f["properties"].get("count", 1) for f in features)


def map_features(filters, near, radius_km, zoom, bbox, facility_url, text=None):
    """(features, total, mapped): the GeoJSON endpoint's work, in the database. `text`: a
    text_restriction() for a search with text. total counts every matching facility, mapped those the
    features show (inside the viewport): counting the mapped ones outside it would cost another pass over
    all of them."""
    rows, fields, facilities = map_positions(filters, near=near, radius_km=radius_km, text=text)
    everything = near is None and text is None and not any(group_filter_q(g, c) for g, c in (filters or {}).items() if g in FACET_GROUPS)
    one_pass = facilities if fields.x and not everything else None
    features, total = cluster_in_database(rows, fields, zoom, bbox, facility_url, precomputed=everything, matching=one_pass)
    if total is None:
        total = public_count() if everything else facilities.count()
    return features, total, features_count(features)


def public_count():
    """How many facilities are public: those on the map from MapCell, plus those without a position."""
    from .models import Facility, MapCell

    from django.db import connection

    # One statement (a query costs more than its work here); the second count reads the partial index
    # socialmap_facility_unplaced.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COALESCE(SUM(count), 0) FROM {MapCell._meta.db_table}) + (SELECT COUNT(*) FROM "
            f"{Facility._meta.db_table} WHERE live = %s AND status = %s AND map_x IS NULL)",
            [True, Facility.ACTIVE],
        )
        return int(cursor.fetchone()[0])


# -- Keeping Facility.map_latitude/map_longitude current --------------------------------------------------


def refresh_map_positions(facilities=None, also_cells=()):
    """Store on each facility (all, or a queryset or list of ids) the position of its first location, in
    one UPDATE, and bring the MapCells they were and are in up to date (and `also_cells`). Signals call it
    when a facility's locations or a location's position change, Facility.save on every save (publishing,
    status); code that bulk-creates them (benchdata) calls it itself."""
    from .models import Facility, ServiceAtLocation

    first = ServiceAtLocation.objects.filter(facility_id=OuterRef("pk")).order_by("sort_order", "id")
    if facilities is None:
        queryset = Facility.objects.all()
    elif hasattr(facilities, "model") and facilities.model is Facility:
        queryset = Facility.objects.filter(pk__in=facilities.values("pk"))
    else:
        queryset = Facility.objects.filter(pk__in=list(facilities))
    before = map_cells_of(queryset) if facilities is not None else None
    updated = queryset.update(
        map_latitude=Subquery(first.values("location__latitude")[:1]),
        map_longitude=Subquery(first.values("location__longitude")[:1]),
    )
    map_x, map_y = pixel_expressions("map_latitude", "map_longitude")
    queryset.update(map_x=map_x, map_y=map_y)
    if facilities is None:
        refresh_map_cells()
    else:
        refresh_map_cells(before | map_cells_of(queryset) | set(also_cells))
    return updated


def map_cells_of(facilities):
    """The MapCells (cx, cy) the facilities (a queryset or ids) are placed in."""
    from .models import Facility

    queryset = facilities if hasattr(facilities, "model") else Facility.objects.filter(pk__in=list(facilities))
    x, y = map_cell_expressions()
    return set(queryset.filter(map_x__isnull=False).annotate(cx=x, cy=y).values_list("cx", "cy").distinct().order_by())


# More changed MapCells than this: rebuild the table in one statement rather than square by square.
MAP_CELLS_PIECEMEAL = 200


def refresh_map_cells(cells=None):
    """Recount the MapCells (all, or a set of (cx, cy)) from the public facilities."""
    from django.db import transaction

    from .models import Facility, MapCell

    if cells is not None and not cells:
        return
    public = Facility.objects.filter(live=True, status=Facility.ACTIVE, map_x__isnull=False)
    with transaction.atomic():
        if cells is None or len(cells) > MAP_CELLS_PIECEMEAL:
            MapCell.objects.all().delete()
            counted = public
        else:
            known = MapCell.objects.filter(cx__in={cx for cx, _ in cells}).values_list("pk", "cx", "cy")
            MapCell.objects.filter(pk__in=[pk for pk, cx, cy in known if (cx, cy) in cells]).delete()
            counted = in_map_cells(public, cells)
        rows = grid_rows(counted, ON_FACILITY, PIXEL_ZOOM, MAP_CELL_PX, None)
        MapCell.objects.bulk_create(
            [MapCell(cx=r["cx"], cy=r["cy"], count=r["count"], sum_lat=r["sum_lat"], sum_lng=r["sum_lng"], min_lat=r["min_lat"],
                     max_lat=r["max_lat"], min_lng=r["min_lng"], max_lng=r["max_lng"], px=r["px"], py=r["py"]) for r in rows],
            batch_size=500,
        )


def map_cell_expressions():
    """The MapCell (cx, cy) of a facility: the expressions of the index socialmap_facility_mapcell."""
    return (ExpressionWrapper(F("map_x") / Value(MAP_CELL_PX), output_field=IntegerField()),
            ExpressionWrapper(F("map_y") / Value(MAP_CELL_PX), output_field=IntegerField()))


def in_map_cells(facilities, cells):
    """The facilities placed in any of the MapCells `cells` ((cx, cy) pairs): one index lookup per MapCell
    (socialmap_facility_mapcell) for public facilities."""
    square = Q()
    for cx, cy in cells:
        square |= Q(map_cx=cx, map_cy=cy)
    cx, cy = map_cell_expressions()
    return facilities.annotate(map_cx=cx, map_cy=cy).filter(square)


def on_facility_deleted(sender, instance, **kwargs):
    if instance.map_x is not None and instance.map_y is not None:
        refresh_map_cells({(instance.map_x // MAP_CELL_PX, instance.map_y // MAP_CELL_PX)})


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

    from .models import Facility, Location, ServiceAtLocation

    post_save.connect(on_link_changed, sender=ServiceAtLocation, dispatch_uid="socialmap_map_link_saved")
    post_delete.connect(on_link_changed, sender=ServiceAtLocation, dispatch_uid="socialmap_map_link_deleted")
    post_save.connect(on_location_saved, sender=Location, dispatch_uid="socialmap_map_location_saved")
    post_delete.connect(on_facility_deleted, sender=Facility, dispatch_uid="socialmap_map_facility_deleted")
