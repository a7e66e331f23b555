"""Facility search backends, chosen by settings:

- FACILITY_SEARCH_BACKEND (dotted path) when set;
- else Elasticsearch (search.elastic.ElasticsearchFacilityBackend) when ELASTICSEARCH_URL is set;
- else the database backend for the database in use: SQLite FTS5 or PostgreSQL full text.

Every backend takes a FacilityQuery and returns a FacilitySearchResult (search.facilities).
"""

import logging

from django.conf import settings
from django.db import connection
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from . import ranking, sqlsearch
from .facilities import (
    FacilityHit,
    FacilityQuery,
    FacilitySearchResult,
    first_location,
    nearest_location,
    public_facilities,
)
from .indexing import FIELDS, FTS_TABLE, get_vocabulary
from .query import parse_query

logger = logging.getLogger(__name__)
MAX_QUERY_CHARS = 200


class DatabaseFacilityBackend:
    """Two stages: the database matches, filters, counts facets and orders candidates by its own
    full-text rank (search.sqlsearch, one statement); search.ranking scores the best RESCORE candidates
    in Python, the same way on every database, so SQLite and PostgreSQL rank alike.

    Subclasses supply the text match for their database (`match_any`, `match_condition`); this
    class picks the right one.
    """

    name = "database"
    RESCORE = 300  # how many of the database's best candidates search.ranking orders

    def __new__(cls, *args, **kwargs):
        if cls is DatabaseFacilityBackend:
            cls = PostgresFacilityBackend if connection.vendor == "postgresql" else SQLiteFacilityBackend
        return super().__new__(cls)

    # -- the text match, per database ----------------------------------------------------------------

    def match_any(self, conjunctions):  # pragma: no cover - overridden
        """The sqlsearch.TextMatch fields (from_sql, where_sql, rank_join, rank and their params) for the
        documents in which one of the conjunctions (tuples of Terms) is present in full, found through
        the full-text index, and the database's own rank of a document."""
        raise NotImplementedError

    def match_condition(self, conjunctions):  # pragma: no cover - overridden
        """(SQL, params): a boolean over the document alias `d`, true when one of the conjunctions
        (tuples of Terms) is present in full."""
        raise NotImplementedError

    def candidate_ids(self, parsed):
        """Ids of the documents that match any concept of the query, best first by the database's rank
        (kept for callers of the old interface)."""
        match = self.text_match(parsed)
        if match is None:
            return []
        rows = sqlsearch.run(match, FacilityQuery(), "relevance", None, with_facets=False, with_total=False).rows
        return [row.doc_id for row in rows]

    def text_match(self, parsed):
        """A sqlsearch.TextMatch for the parsed query, or None when nothing can match it."""
        vocabulary = get_vocabulary()
        if parsed.concepts:
            if not any(c.known for c in parsed.concepts):
                return None
            per_concept = []
            for concept in parsed.concepts:
                per_concept.append([
                    c for c in sqlsearch.concept_conjunctions(concept, vocabulary) if all(token_text(t.token) for t in c)
                ])
            everything = [c for conjunctions in per_concept for c in conjunctions]
            if not everything:
                return None
            source = self.match_any(everything)
            match = sqlsearch.TextMatch(
                **source,
                conditions=[self.match_condition(c) if c else None for c in per_concept],
                importances=[c.importance for c in parsed.concepts],
                min_coverage=sqlsearch.importance_threshold(parsed), places=list(parsed.places),
            )
            if len([c for c in per_concept if c]) == 1:
                # One concept can match: the any-match is that concept's own condition.
                match.conditions = [(match.where_sql, match.where_params) if c else None for c in per_concept]
            return match if match.can_match() else None
        if parsed.places:
            return sqlsearch.TextMatch(
                from_sql=f"{sqlsearch.DOCUMENT} d", where_sql="(" + " OR ".join(["d.place_keys LIKE %s"] * len(parsed.places)) + ")",
                where_params=[f"%{p}%" for p in parsed.places], rank="1.0", places=list(parsed.places),
                rank_join=f"JOIN {sqlsearch.DOCUMENT} d ON d.id = m.doc_id",
            )
        return None

    # -- the whole search -----------------------------------------------------------------------------

    def parse(self, text, near=None):
        return parse_query(text[:MAX_QUERY_CHARS], get_vocabulary(), near=near)

    def scored_facility_ids(self, parsed):
        """{facility_id: relevance} for every document that matches the query meaningfully (all of them:
        for small sets and tests; search() scores only the best candidates)."""
        match = self.text_match(parsed)
        if match is None:
            return {}
        rows = sqlsearch.run(match, FacilityQuery(), "relevance", None, with_facets=False).rows
        return {doc.facility_id: score for doc, score in self.score_rows(rows, parsed, None).values()}

    def score_rows(self, rows, parsed, near):
        """{facility_id: (document, score)} with search.ranking's score for the rows' documents."""
        from .models import FacilitySearchDocument

        vocabulary = get_vocabulary()
        docs = FacilitySearchDocument.objects.filter(pk__in=[r.doc_id for r in rows if r.doc_id is not None])
        scored = {}
        for doc in docs.only("id", "facility_id", "place_keys", *FIELDS):
            score, _coverage = ranking.score_document(doc, parsed, vocabulary)
            scored[doc.facility_id] = (doc, score * ranking.place_factor(doc, parsed))
        if near:
            for row in rows:
                if row.facility_id in scored:
                    doc, score = scored[row.facility_id]
                    scored[row.facility_id] = (doc, score * ranking.distance_decay(row.distance_km))
        return scored

    def search(self, query):
        from socialmap.models import Facility

        text = (query.text or "").strip()
        parsed = self.parse(text, near=query.near) if text else None
        catalogue = sqlsearch.FacetCatalogue()
        match = self.text_match(parsed) if parsed is not None else None
        offset = max(0, query.offset or 0)
        if parsed is not None and match is None:
            facets = sqlsearch.facet_values(catalogue, query.filters, {}, {"wijk": {}, "gebied": {}}, None, query)
            result = FacilitySearchResult(query=query, hits=[], facets=facets if query.facets else {}, total=0, offset=offset)
            return self.with_messages(result, parsed)

        if query.sort == "distance" and query.near:
            order = "distance"
        elif query.sort == "name" or parsed is None:
            order = "name"
        else:
            order = "relevance"
        rescore = parsed is not None and order != "name"
        end = offset + query.limit if query.limit is not None else None
        if rescore and offset < self.RESCORE:
            # The database's best candidates, reordered by search.ranking; beyond them its own order.
            fetch_limit = None if end is None else max(end, self.RESCORE)
            found = sqlsearch.run(match, query, order, fetch_limit, 0, catalogue, with_facets=query.facets)
            head, tail = found.rows[: self.RESCORE], found.rows[self.RESCORE :]
            if order == "distance":
                # By distance, search.ranking's score only orders rows at the same distance: score those
                # (and, below, the rows shown) instead of all candidates.
                scored = self.score_rows(tied_rows(head), parsed, query.near)
            else:
                scored = self.score_rows(head + tail[: max(0, (end or len(found.rows)) - self.RESCORE)], parsed, query.near)
            head.sort(key=self.sort_key(order, scored))
            rows = (head + tail)[offset:end]
            missing = [r for r in rows if r.facility_id not in scored]
            if missing:
                scored.update(self.score_rows(missing, parsed, query.near))
        else:
            found = sqlsearch.run(match, query, order, query.limit, offset, catalogue, with_facets=query.facets)
            rows = found.rows
            scored = self.score_rows(rows, parsed, query.near) if parsed is not None else {}

        if query.details:
            loaded = public_facilities()
        else:  # e.g. site search: names and descriptions only
            loaded = Facility.objects.filter(live=True, status=Facility.ACTIVE).select_related("organisation")
        facilities = {f.pk: f for f in loaded.filter(pk__in=[r.facility_id for r in rows])}
        hits = []
        for row in rows:
            facility = facilities.get(row.facility_id)
            if facility is None:  # unpublished since the first query
                continue
            hit = FacilityHit(facility=facility, score=scored.get(row.facility_id, (None, 0.0))[1])
            if not query.details:
                hit.distance_km = row.distance_km
            elif query.near:
                hit.location, hit.distance_km = nearest_location(facility, query.near)
            else:
                hit.location = first_location(facility)
            hits.append(hit)
        result = FacilitySearchResult(query=query, hits=hits, facets=found.facets, total=found.total, offset=offset)
        return self.with_messages(result, parsed)

    @staticmethod
    def sort_key(order, scored):
        """The order of sort_hits, on rows: by score (or distance) first, then distance, name and id."""
        far = float("inf")

        def key(row):
            score = scored.get(row.facility_id, (None, 0.0))[1]
            dist = row.distance_km if row.distance_km is not None else far
            if order == "distance":
                return (dist, -score, row.name, str(row.facility_id))
            return (-score, dist, row.name, str(row.facility_id))

        return key

    @staticmethod
    def with_messages(result, parsed):
        if parsed is not None:
            result.suggestion = parsed.suggestion
            if not result.total:
                result.notice = _("No facilities match your search. Try other or fewer words.")
        return result


def tied_rows(rows):
    """The rows whose distance another row has too (no distance counts as one value)."""
    counts = {}
    for row in rows:
        counts[row.distance_km] = counts.get(row.distance_km, 0) + 1
    return [row for row in rows if counts[row.distance_km] > 1]


def sort_hits(hits, query, has_text):
    far = float("inf")

    def dist(h):
        return h.distance_km if h.distance_km is not None else far

    if query.sort == "distance" and query.near:
        hits.sort(key=lambda h: (dist(h), -h.score, h.facility.name))
    elif query.sort == "name" or not has_text:
        hits.sort(key=lambda h: (dist(h), h.facility.name) if query.near else h.facility.name)
    else:
        hits.sort(key=lambda h: (-h.score, dist(h), h.facility.name))


def token_text(token):
    """The part of a token the full-text syntax of both databases takes literally (letters and digits)."""
    return "".join(ch for ch in token if ch.isalnum())


def fts5_match_expression(terms, operator="OR"):
    """An FTS5 MATCH string: quoted tokens joined by OR (or AND), prefix terms with *. Tokens are our own stems."""
    parts = []
    for term in terms:
        token = token_text(term.token)
        if token:
            parts.append(f'"{token}"*' if term.prefix else f'"{token}"')
    return f" {operator} ".join(parts)


def tsquery_expression(terms, operator="|"):
    """A to_tsquery('simple', ...) string: tokens joined by | (or &), prefix terms with :*."""
    parts = []
    for term in terms:
        token = token_text(term.token)
        if token:
            parts.append(f"{token}:*" if term.prefix else token)
    return f" {operator} ".join(parts)


class SQLiteFacilityBackend(DatabaseFacilityBackend):
    """SQLite FTS5: MATCH finds the documents, bm25() with column weights ranks the candidates."""

    name = "sqlite-fts5"
    # bm25 weights in FIELDS order: name, organisation, terms, description, extra, places, parts
    BM25_WEIGHTS = (3.0, 1.0, 1.2, 1.0, 0.5, 0.6, 0.5)

    def match_any(self, conjunctions):
        weights = ", ".join(str(w) for w in self.BM25_WEIGHTS)
        expression = fts5_any(conjunctions)
        return {
            "from_sql": f"{sqlsearch.DOCUMENT} d JOIN (SELECT rowid AS doc_id FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s) b ON b.doc_id = d.id",
            "from_params": [expression], "where_sql": "1 = 1", "where_params": [],
            "rank_join": f"JOIN {sqlsearch.DOCUMENT} d ON d.id = m.doc_id JOIN (SELECT rowid AS doc_id, -bm25({FTS_TABLE}, {weights}) "
                         f"AS fts_rank FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s) b ON b.doc_id = d.id",
            "rank_join_params": [expression], "rank": "b.fts_rank", "rank_params": [],
        }

    def match_condition(self, conjunctions):
        return f"d.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)", [fts5_any(conjunctions)]


class PostgresFacilityBackend(DatabaseFacilityBackend):
    """PostgreSQL full text: a generated tsvector (weights A-D) with a GIN index; ts_rank ranks the candidates.

    ts_rank and not ts_rank_cd: the rank only chooses which RESCORE candidates search.ranking orders (with
    fewer matches it orders them all), and ts_rank_cd's cover density cost 8 us per matched document
    (450 ms for the 55,000 documents 'mantelzorg' matches at 100,000 facilities) against 0.6 us."""

    name = "postgresql"

    def match_any(self, conjunctions):
        expression = tsquery_any(conjunctions)
        return {
            "from_sql": f"{sqlsearch.DOCUMENT} d", "from_params": [],
            "where_sql": "d.tsv @@ to_tsquery('simple', %s)", "where_params": [expression],
            "rank_join": f"JOIN {sqlsearch.DOCUMENT} d ON d.id = m.doc_id", "rank_join_params": [],
            "rank": "CAST(ts_rank('{0.2, 0.4, 0.6, 1.0}', d.tsv, to_tsquery('simple', %s)) AS double precision)",
            "rank_params": [expression],
        }

    def match_condition(self, conjunctions):
        return "d.tsv @@ to_tsquery('simple', %s)", [tsquery_any(conjunctions)]


def fts5_any(conjunctions):
    return " OR ".join("(" + fts5_match_expression(c, "AND") + ")" for c in conjunctions)


def tsquery_any(conjunctions):
    return " | ".join("(" + tsquery_expression(c, "&") + ")" for c in conjunctions)


def default_backend_path():
    path = getattr(settings, "FACILITY_SEARCH_BACKEND", "")
    if path:
        return path
    if getattr(settings, "ELASTICSEARCH_URL", ""):
        return "search.elastic.ElasticsearchFacilityBackend"
    return "search.backends.DatabaseFacilityBackend"


BACKEND_ALIASES = {
    "database": "search.backends.DatabaseFacilityBackend",
    "sqlite": "search.backends.SQLiteFacilityBackend",
    "postgresql": "search.backends.PostgresFacilityBackend",
    "elasticsearch": "search.elastic.ElasticsearchFacilityBackend",
}


def get_facility_backend(name=None):
    path = BACKEND_ALIASES.get(name, name) if name else default_backend_path()
    return import_string(path)()
