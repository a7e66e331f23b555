"""The set-based part of the database facility search: matching, filters, radius, facet counts, the total
and the order of the candidates, computed by the database in one statement whatever the number of
facilities (search.backends asks for it and scores only the best few candidates in Python).

Why SQL and not Python sets: at 100,000 facilities loading ids, terms and locations into Python costs
seconds; the database does the same with its indexes in milliseconds. The SQL is plain (CTEs, UNION ALL,
IN-subqueries, CASE, the math functions Django registers on SQLite), so SQLite and PostgreSQL share it;
only the text match differs (FTS5 MATCH or tsvector @@ tsquery), supplied by the backend as a TextMatch.

What a facility must satisfy, as search.ranking and search.facilities define it:

- text: a search document whose matched concepts carry enough of the query's importance
  (ranking.qualifies), each concept being an OR of alternatives and each alternative an AND of terms;
  a compound split into parts also matches with parts carrying at least half of its idf;
- filters: strict, OR within a group and AND across groups (search.facilities.group_filter_q);
- radius: the nearest of its locations within radius_km of `near`.

Facet counts for a group are taken over the facilities passing every filter except that group's own.
"""

import uuid
from dataclasses import dataclass, field
from itertools import combinations

from django.db import connection

from . import ranking
from .facilities import EARTH_RADIUS_KM, FACET_GROUPS, TAXONOMY_GROUPS, FacetValue

FACILITY = "socialmap_facility"
TERMS = "socialmap_facility_terms"
AREAS_SERVED = "socialmap_facility_areas_served"
SAL = "socialmap_serviceatlocation"
LOCATION = "socialmap_location"
AREA = "socialmap_area"
TAXONOMY_TERM = "socialmap_taxonomyterm"
DOCUMENT = "search_facilitysearchdocument"


@dataclass
class TextMatch:
    """How the documents that match a query are found, as SQL over the document alias `d`.

    from_sql/where_sql: the documents matching any concept (the database's full-text index does this);
    rank: the database's own relevance for them (higher is better); conditions: per concept, a SQL
    boolean over `d` (None: the concept matches nothing); importances and min_coverage: the share of
    importance a document must match (ranking.qualifies); places: place keys that boost
    (ranking.place_factor).
    """

    from_sql: str
    where_sql: str
    rank: str
    rank_join: str = ""  # joins the document `d` (and what `rank` needs) onto a row alias `m` with doc_id
    from_params: list = field(default_factory=list)
    where_params: list = field(default_factory=list)
    rank_params: list = field(default_factory=list)
    rank_join_params: list = field(default_factory=list)
    conditions: list = field(default_factory=list)  # [(sql, params) or None] per concept
    importances: list = field(default_factory=list)
    min_coverage: float = 0.0
    places: list = field(default_factory=list)

    def can_match(self):
        """False when no document can qualify: with one matchable concept the coverage is fixed."""
        known = [i for c, i in zip(self.conditions, self.importances) if c is not None]
        if not self.conditions:
            return True  # a place only
        if not known:
            return False
        if len(known) == 1:
            return known[0] / (sum(self.importances) or 1.0) >= self.min_coverage
        return True


def concept_conjunctions(concept, vocabulary):
    """The ways a concept can match, as tuples of Terms that must all be present (an OR of ANDs).

    Mirrors ranking.concept_score: an alternative matches when all its terms do; a 'parts' alternative
    also when the parts found carry at least ranking.PARTIAL_PARTS of its idf. Only minimal sets are kept.
    """
    found = []
    for alt in concept.alternatives:
        terms = tuple(dict.fromkeys(alt.terms))
        if not terms:
            continue
        options = [terms]
        if alt.kind == "parts" and len(terms) > 1:
            idfs = {t: vocabulary.idf(t.token) for t in terms}
            idf_all = sum(vocabulary.idf(t.token) for t in alt.terms)
            options = []
            for size in range(1, len(terms) + 1):
                for subset in combinations(terms, size):
                    if idf_all and sum(idfs[t] for t in subset) / idf_all >= ranking.PARTIAL_PARTS:
                        if not any(set(o) <= set(subset) for o in options):
                            options.append(subset)
            if terms not in options and not any(set(o) <= set(terms) for o in options):
                options.append(terms)
        for option in options:
            if not any(set(o) <= set(option) for o in found):
                found = [o for o in found if not set(option) <= set(o)] + [option]
    return found


def importance_threshold(parsed):
    unknown = any(not c.known for c in parsed.concepts)
    return ranking.MIN_COVERAGE_WITH_UNKNOWN if unknown else ranking.MIN_COVERAGE


def qn(name):
    return connection.ops.quote_name(name)


def haversine_sql(lat, lng):
    """Great-circle distance in km from (lat, lng) to the location alias `l`, portable SQL."""
    return (
        f"2 * {EARTH_RADIUS_KM!r} * ASIN(SQRT(POWER(SIN(RADIANS(l.latitude - %s) / 2), 2) + "
        f"COS(RADIANS(%s)) * COS(RADIANS(l.latitude)) * POWER(SIN(RADIANS(l.longitude - %s) / 2), 2)))"
    ), [lat, lat, lng]


def decay_sql(dist):
    """ranking.distance_decay in SQL."""
    scale = ranking.DISTANCE_SCALE_KM
    return f"(CASE WHEN {dist} IS NULL THEN 0.05 WHEN EXP(-({dist}) / {scale!r}) < 0.05 THEN 0.05 ELSE EXP(-({dist}) / {scale!r}) END)"


class FacetCatalogue:
    """The taxonomy terms and areas (small tables), read once per search."""

    def __init__(self):
        from socialmap.models import Area, TaxonomyTerm

        self.terms = list(TaxonomyTerm.objects.filter(taxonomy__in=TAXONOMY_GROUPS))
        self.areas = list(Area.objects.order_by("name"))

    def filter_condition(self, group, codes):
        """(SQL over the facility alias `f`, params) for one facet group, or None when it filters nothing."""
        codes = [c for c in codes if c]
        if not codes or group not in FACET_GROUPS:
            return None
        if group in TAXONOMY_GROUPS:
            ids = [t.pk for t in self.terms if t.taxonomy == group and t.code in codes]
            return in_subquery("f.id", f"SELECT facility_id FROM {TERMS} WHERE taxonomyterm_id", ids)
        if group == "wijk":
            area_ids = [a.pk for a in self.areas if a.cbs_code in codes or a.slug in codes]
            return area_condition(area_ids, area_ids)
        gebieden = [a.pk for a in self.areas if a.slug in codes and a.kind == "gebied"]
        children = [a.pk for a in self.areas if a.parent_id in gebieden]
        return area_condition(children, gebieden + children)


    def doc_condition(self, group, codes):
        """The same filter as filter_condition, over the PostgreSQL arrays of the document alias `d`
        (migration 0006): an overlap test on the matched row, no join."""
        codes = [c for c in codes if c]
        if not codes or group not in FACET_GROUPS:
            return None
        if group in TAXONOMY_GROUPS:
            ids = [t.pk for t in self.terms if t.taxonomy == group and t.code in codes]
            return ("(d.term_arr && %s::uuid[])", [ids]) if ids else ("(1 = 0)", [])
        if group == "wijk":
            area_ids = [a.pk for a in self.areas if a.cbs_code in codes or a.slug in codes]
            return doc_area_condition(area_ids, area_ids)
        gebieden = [a.pk for a in self.areas if a.slug in codes and a.kind == "gebied"]
        children = [a.pk for a in self.areas if a.parent_id in gebieden]
        return doc_area_condition(children, gebieden + children)


def doc_area_condition(location_area_ids, served_area_ids):
    """area_condition over the document's arrays."""
    parts, params = [], []
    if location_area_ids:
        parts.append("d.loc_areas && %s::bigint[]")
        params.append([int(pk) for pk in location_area_ids])
    if served_area_ids:
        parts.append("d.served_areas && %s::bigint[]")
        params.append([int(pk) for pk in served_area_ids])
    return ("(" + " OR ".join(parts) + ")", params) if parts else ("(1 = 0)", [])


def points_distance_sql(lat, lng):
    """The distance in km from (lat, lng) to the nearest of the document's points (`d.pts`: lat, lng, lat,
    lng, ...), by the same formula as haversine_sql; NULL without points. One point (most facilities) is
    plain arithmetic on the row; several take a small subquery."""

    def hav(lat_sql, lng_sql):
        return (
            f"2 * {EARTH_RADIUS_KM!r} * ASIN(SQRT(POWER(SIN(RADIANS({lat_sql} - %s) / 2), 2) + "
            f"COS(RADIANS(%s)) * COS(RADIANS({lat_sql})) * POWER(SIN(RADIANS({lng_sql} - %s) / 2), 2)))"
        )

    sql = (
        f"(CASE WHEN cardinality(d.pts) = 2 THEN {hav('d.pts[1]', 'd.pts[2]')} "
        f"WHEN cardinality(d.pts) > 2 THEN (SELECT MIN({hav('d.pts[2 * g.i - 1]', 'd.pts[2 * g.i]')}) "
        f"FROM generate_series(1, cardinality(d.pts) / 2) AS g(i)) END)"
    )
    return sql, [lat, lat, lng] * 2


def in_subquery(column, select_where, values):
    """`column IN (select_where IN (values))`, or a false condition when there are no values."""
    if not values:
        return "(1 = 0)", []
    marks = ", ".join(["%s"] * len(values))
    return f"{column} IN ({select_where} IN ({marks}))", [db_value(v) for v in values]


def area_condition(location_area_ids, served_area_ids):
    """A facility with a location in one of the first areas, or serving one of the second."""
    a_sql, a_params = in_subquery(
        "f.id", f"SELECT s.facility_id FROM {SAL} s JOIN {LOCATION} l ON l.id = s.location_id WHERE l.area_id", location_area_ids
    )
    b_sql, b_params = in_subquery("f.id", f"SELECT facility_id FROM {AREAS_SERVED} WHERE area_id", served_area_ids)
    return f"({a_sql} OR {b_sql})", a_params + b_params


def db_value(value):
    """UUIDs as the database stores them (SQLite: 32 hex digits, PostgreSQL: uuid)."""
    if isinstance(value, uuid.UUID):
        return value.hex if connection.vendor == "sqlite" else value
    return value


def as_uuid(value):
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


@dataclass
class Row:
    facility_id: uuid.UUID
    doc_id: int | None
    distance_km: float | None
    rank: float
    name: str


@dataclass
class SetResult:
    total: int = 0
    rows: list = field(default_factory=list)  # Row, in the requested order
    facets: dict = field(default_factory=dict)
    counts: tuple = ()  # (term counts, area counts) as read, for caching


def docs_cte(match):
    """The `docs` CTE: the matching documents that qualify (doc_id, facility_id, coverage). No rank here:
    a query like 'hulp' matches half of 100,000 documents, and only the filtered ones need one."""
    conditions = [(c, i) for c, i in zip(match.conditions, match.importances) if c is not None]
    total_importance = sum(match.importances) or 1.0
    if len(conditions) > 1:
        coverage = "(" + " + ".join(f"(CASE WHEN {sql} THEN %s ELSE 0.0 END)" for (sql, _), _ in conditions) + ") / %s"
        coverage_params = [p for (sql, cparams), importance in conditions for p in cparams + [importance]] + [total_importance]
        select = (
            f"SELECT d.id AS doc_id, d.facility_id AS facility_id, {coverage} AS coverage "
            f"FROM {match.from_sql} WHERE {match.where_sql}"
        )
        params = coverage_params + match.from_params + match.where_params + [match.min_coverage]
        return f"docs AS (SELECT * FROM ({select}) m0 WHERE m0.coverage >= %s)", params
    # One concept (or a place only): every document the database finds matches with the same coverage.
    coverage = conditions[0][1] / total_importance if conditions else 1.0
    sql = (
        f"docs AS (SELECT d.id AS doc_id, d.facility_id AS facility_id, CAST(%s AS double precision) AS coverage "
        f"FROM {match.from_sql} WHERE {match.where_sql})"
    )
    return sql, [coverage] + match.from_params + match.where_params


def document_rank_sql(match):
    """(expression over the document alias `d`, params): the database's relevance of a document with
    search.ranking's place factor, before the coverage factor."""
    place, place_params = "1.0", []
    if match.places:
        likes = " OR ".join(["(%s || d.place_keys || %s) LIKE %s"] * len(match.places))
        place = f"(CASE WHEN {likes} THEN {ranking.PLACE_BOOST!r} ELSE 1.0 END)"
        for p in match.places:
            place_params += ["\n", "\n", f"%\n{p}\n%"]
    return f"{match.rank} * {place}", match.rank_params + place_params


def rank_sql(match):
    """(joins onto the row alias `m`, params, expression, params): the database's relevance of a row,
    search.ranking's coverage and place factors included."""
    rank, rank_params = document_rank_sql(match)
    return match.rank_join, match.rank_join_params, f"{rank} * (0.4 + 0.6 * m.coverage)", rank_params


def run(match, query, order, limit, offset=0, catalogue=None, with_facets=True, with_total=True):
    """Match, filter, count facets and return the rows [offset, offset+limit) in `order`.

    match: a TextMatch, or None for every public facility. order: 'relevance', 'distance' or 'name'
    (distance falls back to name without `near`). limit None: all rows.

    The work grows with the filtered set, not with the matches: the rank (and, without a radius, the
    distance) is computed only for the rows that pass every filter.
    """
    catalogue = catalogue or FacetCatalogue()
    # PostgreSQL with a text match: everything the filters, facets and distances need is on the matched
    # document rows (migration 0006), so no join with facilities, terms, locations or areas.
    on_documents = match is not None and connection.vendor == "postgresql"
    filters = {}
    for group, codes in (query.filters or {}).items():
        if on_documents:
            condition = catalogue.doc_condition(group, codes)
        else:
            condition = catalogue.filter_condition(group, codes)
        if condition is not None:
            filters[group] = condition

    ctes, cte_params = [], []
    radius = float(query.radius_km) if query.near and query.radius_km else None
    if on_documents:
        return _finish(match, query, order, limit, offset, catalogue, with_facets, with_total, filters,
                       *documents_cte(match, query, filters, radius, with_facets), ctes, cte_params)
    if match is not None:
        sql, params = docs_cte(match)
        ctes.append(sql)
        cte_params += params
    dist_sql, dist_params = haversine_sql(*query.near) if query.near else ("", [])

    select = ["f.id AS id", "f.name AS name"]
    select_params = []
    joins, where, where_params = [], ["f.live = %s", "f.status = %s"], [True, "active"]
    if match is not None:
        joins.append("JOIN docs ON docs.facility_id = f.id")
        select += ["docs.doc_id AS doc_id", "docs.coverage AS coverage"]
    else:
        select += ["CAST(NULL AS bigint) AS doc_id", "CAST(1.0 AS double precision) AS coverage"]
    for group, (condition, cparams) in filters.items():
        select.append(f"(CASE WHEN {condition} THEN 1 ELSE 0 END) AS p_{group}")
        select_params += cparams
    m_sql = f"SELECT {', '.join(select)} FROM {qn(FACILITY)} f {' '.join(joins)} WHERE {' AND '.join(where)}"
    if len(filters) > 1 and with_facets:
        # A facility failing two filters counts nowhere (each facet group lifts only its own filter).
        flags = " + ".join(f"m1.p_{g}" for g in filters)
        m_sql = f"SELECT * FROM ({m_sql}) m1 WHERE {flags} >= {len(filters) - 1}"
    elif filters and not with_facets:
        m_sql = f"SELECT * FROM ({m_sql}) m1 WHERE " + " AND ".join(f"m1.p_{g} = 1" for g in filters)
    if radius is not None:
        # The radius decides what counts: distances for the rows left after the filters, then cut.
        ctes.append(f"near_m AS ({m_sql})")
        cte_params += select_params + where_params
        ctes.append(
            f"dist AS (SELECT s.facility_id, MIN({dist_sql}) AS km FROM near_m JOIN {SAL} s ON s.facility_id = near_m.id "
            f"JOIN {LOCATION} l ON l.id = s.location_id WHERE l.latitude IS NOT NULL AND l.longitude IS NOT NULL "
            f"GROUP BY s.facility_id)"
        )
        cte_params += dist_params
        ctes.append("m AS (SELECT near_m.*, dist.km AS km FROM near_m JOIN dist ON dist.facility_id = near_m.id WHERE dist.km <= %s)")
        cte_params.append(radius)
    else:
        ctes.append(f"m AS (SELECT m2.*, CAST(NULL AS double precision) AS km FROM ({m_sql}) m2)")
        cte_params += select_params + where_params

    return _finish(match, query, order, limit, offset, catalogue, with_facets, with_total, filters, None, None,
                   ctes, cte_params, dist_sql=dist_sql, dist_params=dist_params, radius=radius)


def documents_cte(match, query, filters, radius, with_facets):
    """(SQL, params) of the `m` CTE on PostgreSQL: the matching documents that qualify, with their filter
    flags, facet keys and distance, read from the document rows the full-text index finds."""
    conditions = [(c, i) for c, i in zip(match.conditions, match.importances) if c is not None]
    total_importance = sum(match.importances) or 1.0
    select, params = ["d.facility_id AS id", "d.id AS doc_id"], []
    outer, outer_params = [], []
    if len(conditions) > 1:
        select.append("(" + " + ".join(f"(CASE WHEN {sql} THEN %s ELSE 0.0 END)" for (sql, _), _ in conditions) + ") / %s AS coverage")
        params += [p for (sql, cparams), importance in conditions for p in cparams + [importance]] + [total_importance]
        outer.append("m0.coverage >= %s")
        outer_params.append(match.min_coverage)
    else:
        select.append("CAST(%s AS double precision) AS coverage")
        params.append(conditions[0][1] / total_importance if conditions else 1.0)
    select += ["d.term_arr AS term_arr", "d.loc_areas AS loc_areas", "d.served_areas AS served_areas"]
    # The rank on the row the index found (joining the documents again for it read all 100,000 of them),
    # only for rows that pass every filter: the others count in a facet but are never ordered.
    rank, rank_params = document_rank_sql(match)
    if filters:
        rank = f"CASE WHEN {' AND '.join(c for c, _ in filters.values())} THEN {rank} END"
        rank_params = [p for _, cparams in filters.values() for p in cparams] + rank_params
    select.append(f"{rank} AS doc_rank")
    params += rank_params
    for group, (condition, cparams) in filters.items():
        select.append(f"(CASE WHEN {condition} THEN 1 ELSE 0 END) AS p_{group}")
        params += cparams
    if query.near:
        km, km_params = points_distance_sql(*query.near)
        select.append(f"{km} AS km")
        params += km_params
    else:
        select.append("CAST(NULL AS double precision) AS km")
    where, where_params = [match.where_sql], list(match.where_params)
    # The filters also in the inner WHERE when they decide alone (lets the planner combine GIN indexes).
    if filters and not with_facets:
        for condition, cparams in filters.values():
            where.append(condition)
            where_params += cparams
    elif len(filters) == 2:
        (a, a_params), (b, b_params) = filters.values()
        where.append(f"({a} OR {b})")
        where_params += a_params + b_params
    if len(filters) > 1 and with_facets:
        outer.append(" + ".join(f"m0.p_{g}" for g in filters) + f" >= {len(filters) - 1}")
    elif filters and not with_facets:
        outer += [f"m0.p_{g} = 1" for g in filters]
    if radius is not None:
        outer.append("m0.km <= %s")
        outer_params.append(radius)
    inner = f"SELECT {', '.join(select)} FROM {match.from_sql} WHERE {' AND '.join(where)}"
    sql = f"m AS (SELECT * FROM ({inner}) m0 WHERE {' AND '.join(outer) or '1 = 1'})"
    return sql, params + match.from_params + where_params + outer_params


def _finish(match, query, order, limit, offset, catalogue, with_facets, with_total, filters, m_cte, m_params,
            ctes, cte_params, dist_sql="", dist_params=(), radius=None):
    """run() from the `m` CTE on: the ordered rows, the total and the facet counts."""
    on_documents = m_cte is not None
    if on_documents:
        ctes.append(m_cte)
        cte_params += m_params
    dist_params = list(dist_params)

    def passing(skip=None):
        parts = [f"m.p_{g} = 1" for g in filters if g != skip]
        return "(" + " AND ".join(parts) + ")" if parts else "(1 = 1)"

    # The rows that pass everything, with what their order needs.
    row_select = ["m.id AS id", "f.name AS name" if on_documents else "m.name AS name", "m.doc_id AS doc_id"]
    row_joins, row_join_params, row_select_params = [], [], []
    if on_documents:
        row_joins.append(f"JOIN {qn(FACILITY)} f ON f.id = m.id")
    if query.near and radius is None and not on_documents:
        ctes.append(
            f"dist AS (SELECT s.facility_id, MIN({dist_sql}) AS km FROM m JOIN {SAL} s ON s.facility_id = m.id "
            f"JOIN {LOCATION} l ON l.id = s.location_id WHERE l.latitude IS NOT NULL AND l.longitude IS NOT NULL "
            f"AND {passing()} GROUP BY s.facility_id)"
        )
        cte_params += dist_params
        row_joins.append("LEFT JOIN dist ON dist.facility_id = m.id")
        row_select.append("dist.km AS km")
        km = "dist.km"
    else:
        row_select.append("m.km AS km")
        km = "m.km"
    if on_documents:
        expression, expression_params = "m.doc_rank * (0.4 + 0.6 * m.coverage)", []
    elif match is not None:
        join, join_params, expression, expression_params = rank_sql(match)
        row_joins.append(join)
        row_join_params += join_params
    if match is not None:
        if query.near:
            expression = f"{expression} * {decay_sql(km)}"
        row_select.append(f"{expression} AS rel")
        row_select_params += expression_params
    else:
        row_select.append("CAST(1.0 AS double precision) AS rel")
    ctes.append(f"hits AS (SELECT {', '.join(row_select)} FROM m {' '.join(row_joins)} WHERE {passing()})")
    cte_params += row_select_params + row_join_params

    branches, branch_params = [], []
    # The page: ordered and cut in the database, numbered so the union's order does not matter.
    if order == "distance" and query.near:
        order_by = "km IS NULL, km, rel DESC, name, id"
    elif order == "name" or match is None:
        order_by = "km IS NULL, km, name, id" if query.near else "name, id"
    else:
        order_by = "rel DESC, km IS NULL, km, name, id" if query.near else "rel DESC, name, id"
    cut = ""
    if limit is not None:
        cut = " LIMIT %s OFFSET %s"
        branch_params += [int(limit), int(offset)]
    elif offset:
        cut = " LIMIT -1 OFFSET %s" if connection.vendor == "sqlite" else " OFFSET %s"
        branch_params += [int(offset)]
    branches.append(
        "SELECT 'row' AS kind, p.id AS fid, p.doc_id AS doc_id, p.km AS km, p.rel AS rel, p.name AS name, "
        f"CAST(NULL AS uuid) AS term_id, CAST(NULL AS bigint) AS area_id, ROW_NUMBER() OVER (ORDER BY {order_by}) AS n "
        f"FROM (SELECT * FROM hits ORDER BY {order_by}{cut}) p"
    )
    if with_total:
        branches.append("SELECT 'total', NULL, NULL, NULL, NULL, NULL, NULL, NULL, COUNT(*) FROM hits")
    if with_facets:
        cases = " ".join(f"WHEN %s THEN {passing(g)}" for g in TAXONOMY_GROUPS)
        if on_documents:
            # unnest() in the select list: one pass over m, counted per term and combination of filter flags
            # (a few dozen groups); only those groups meet the (small) term table for the per-group rule.
            flags = "".join(f", m.p_{g}" for g in filters)
            x_flags = flags.replace("m.p_", "x.p_")
            branches.append(
                f"SELECT 'term', NULL, NULL, NULL, NULL, NULL, ft.term_id, NULL, SUM(ft.n) FROM "
                f"(SELECT x.term_id{x_flags}, COUNT(*) AS n FROM "
                f"(SELECT unnest(m.term_arr) AS term_id{flags} FROM m) x GROUP BY x.term_id{x_flags}) ft "
                f"JOIN {TAXONOMY_TERM} t ON t.id = ft.term_id "
                f"WHERE CASE t.taxonomy {cases.replace('m.p_', 'ft.p_')} ELSE (1 = 0) END GROUP BY ft.term_id"
            )
        else:
            branches.append(
                f"SELECT 'term', NULL, NULL, NULL, NULL, NULL, ft.taxonomyterm_id, NULL, COUNT(*) FROM m "
                f"JOIN {TERMS} ft ON ft.facility_id = m.id JOIN {TAXONOMY_TERM} t ON t.id = ft.taxonomyterm_id "
                f"WHERE CASE t.taxonomy {cases} ELSE (1 = 0) END GROUP BY ft.taxonomyterm_id"
            )
        branch_params += list(TAXONOMY_GROUPS)
        # Areas: (facility, area) pairs along the relations group_filter_q follows, deduplicated once:
        # wijk = a location's area or an area served; gebied = the parent of those, or a gebied served.
        wijk, gebied = passing("wijk"), passing("gebied")
        if on_documents:
            ctes.append(
                f"located AS (SELECT x.fid AS fid, a.id AS area_id, a.parent_id AS parent_id, x.ok_w, x.ok_g, x.single FROM "
                f"(SELECT m.id AS fid, unnest(m.loc_areas || m.served_areas) AS area_id, "
                f"CASE WHEN {wijk} THEN 1 ELSE 0 END AS ok_w, CASE WHEN {gebied} THEN 1 ELSE 0 END AS ok_g, "
                f"COALESCE(cardinality(m.loc_areas || m.served_areas), 0) = 1 AS single "
                f"FROM m WHERE {wijk} OR {gebied}) x JOIN {AREA} a ON a.id = x.area_id)"
            )
        else:
            ctes.append(
                f"located AS (SELECT z.*, COUNT(*) OVER (PARTITION BY z.fid) = 1 AS single FROM ("
                f"SELECT m.id AS fid, l.area_id AS area_id, a.parent_id AS parent_id, "
                f"CASE WHEN {wijk} THEN 1 ELSE 0 END AS ok_w, CASE WHEN {gebied} THEN 1 ELSE 0 END AS ok_g "
                f"FROM m JOIN {SAL} s ON s.facility_id = m.id JOIN {LOCATION} l ON l.id = s.location_id "
                f"JOIN {AREA} a ON a.id = l.area_id WHERE {wijk} OR {gebied} "
                f"UNION ALL SELECT m.id, a.id, a.parent_id, CASE WHEN {wijk} THEN 1 ELSE 0 END, CASE WHEN {gebied} THEN 1 ELSE 0 END "
                f"FROM m JOIN {AREAS_SERVED} fa ON fa.facility_id = m.id JOIN {AREA} a ON a.id = fa.area_id WHERE {wijk} OR {gebied}) z)"
            )
        # A facility with one area (most of them) cannot give the same pair twice (an area is not its own
        # parent): those are counted per area without the deduplicating UNION, which hashed every pair
        # (270 ms for 55,000 matches, 420 ms for the 100,000 of the unfiltered list); only facilities with
        # several areas go through it.
        ctes.append(
            "single_area AS (SELECT area_id, parent_id, COUNT(*) FILTER (WHERE ok_w = 1) AS w, "
            "COUNT(*) FILTER (WHERE ok_g = 1) AS g FROM located WHERE single GROUP BY area_id, parent_id)"
        )
        branches.append(
            "SELECT x.kind, NULL, NULL, NULL, NULL, NULL, NULL, x.area_id, SUM(x.n) FROM ("
            "SELECT 'wijk' AS kind, area_id, w AS n FROM single_area "
            "UNION ALL SELECT 'gebied', parent_id, g FROM single_area WHERE parent_id IS NOT NULL "
            "UNION ALL SELECT 'gebied', area_id, g FROM single_area "
            "UNION ALL SELECT y.kind, y.area_id, COUNT(*) FROM ("
            "SELECT 'wijk' AS kind, fid, area_id FROM located WHERE ok_w = 1 AND NOT single "
            "UNION SELECT 'gebied', fid, parent_id FROM located WHERE ok_g = 1 AND parent_id IS NOT NULL AND NOT single "
            "UNION SELECT 'gebied', fid, area_id FROM located WHERE ok_g = 1 AND NOT single"
            ") y GROUP BY y.kind, y.area_id"
            ") x GROUP BY x.kind, x.area_id HAVING SUM(x.n) > 0"
        )
    statement = "WITH " + ", ".join(ctes) + " " + " UNION ALL ".join(branches)
    with connection.cursor() as cursor:
        cursor.execute(statement, cte_params + branch_params)
        records = cursor.fetchall()

    result = SetResult()
    rows, term_counts, area_counts = [], {}, {"wijk": {}, "gebied": {}}
    for kind, fid, doc_id, km_value, rank_value, name, term_id, area_id, n in records:
        if kind == "row":
            rows.append((n, Row(as_uuid(fid), doc_id, km_value, float(rank_value or 0.0), name)))
        elif kind == "total":
            result.total = int(n)
        elif kind == "term":
            term_counts[as_uuid(term_id)] = int(n)
        else:
            area_counts[kind][int(area_id)] = int(n)
    result.rows = [row for _, row in sorted(rows, key=lambda pair: pair[0])]
    if with_facets:
        result.facets = facet_values(catalogue, query.filters, term_counts, area_counts, match, query)
        result.counts = (term_counts, area_counts)
    return result


def facet_values(catalogue, filters, term_counts, area_counts, match, query):
    """FacetValues per group, in the order and with the codes search.facilities.facet_counts gives."""
    facets = {}
    filters = filters or {}
    for group in TAXONOMY_GROUPS:
        selected = set(filters.get(group, []))
        facets[group] = [
            FacetValue(t.code, t.name, term_counts.get(t.pk, 0), t.code in selected) for t in catalogue.terms if t.taxonomy == group
        ]
    by_code = {}
    for area in catalogue.areas:
        for code in {area.slug, area.cbs_code} - {""}:
            by_code.setdefault(code, []).append(area.pk)
    for group, kinds in (("gebied", ("gebied",)), ("wijk", ("wijk", "dorp"))):
        selected = set(filters.get(group, []))
        values = []
        for area in (a for a in catalogue.areas if a.kind in kinds):
            if group == "wijk":
                same = by_code.get(area.cbs_code or area.slug, [area.pk])
                if len(same) == 1:
                    count = area_counts["wijk"].get(same[0], 0)
                else:  # two areas share a code (a slug equal to a CBS code): count their union exactly
                    count = count_for_filter(match, query, "wijk", [area.cbs_code or area.slug], catalogue)
            else:
                count = area_counts["gebied"].get(area.pk, 0)
            code = area.cbs_code if group == "wijk" else area.slug
            values.append(FacetValue(code, area.name, count, code in selected or area.slug in selected))
        facets[group] = values
    return facets


def count_for_filter(match, query, group, codes, catalogue):
    """How many facilities match with `group` filtered on `codes` instead of its own filter (rare path)."""
    from copy import copy

    other = copy(query)
    other.filters = {**{g: c for g, c in (query.filters or {}).items() if g != group}, group: codes}
    return run(match, other, "name", 0, catalogue=catalogue, with_facets=False).total
