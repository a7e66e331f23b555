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

from . import ranking
from .facilities import (
    FacilityHit,
    FacilitySearchResult,
    apply_filters,
    facet_counts,
    first_location,
    nearest_location,
    public_facilities,
)
from .indexing import FIELDS, FTS_TABLE, get_vocabulary
from .query import parse_query

logger = logging.getLogger(__name__)
CANDIDATES = 2000  # how many documents the database hands to the second stage
MAX_QUERY_CHARS = 200


class DatabaseFacilityBackend:
    """Two stages: the database's full-text index finds and orders candidates, search.ranking scores them.

    Subclasses implement `candidate_ids(parsed)` for their database; this class picks the right one.
    """

    name = "database"

    def __new__(cls, *args, **kwargs):
        if cls is DatabaseFacilityBackend:
            cls = PostgresFacilityBackend if connection.vendor == "postgresql" else SQLiteFacilityBackend
        return super().__new__(cls)

    # -- stage 1 ------------------------------------------------------------------------------------

    def candidate_ids(self, parsed):  # pragma: no cover - overridden
        raise NotImplementedError

    # -- the whole search -----------------------------------------------------------------------------

    def parse(self, text, near=None):
        return parse_query(text[:MAX_QUERY_CHARS], get_vocabulary(), near=near)

    def scored_facility_ids(self, parsed):
        """{facility_id: relevance} for every document that matches the query meaningfully."""
        from .models import FacilitySearchDocument

        if parsed.concepts:
            if not any(c.known for c in parsed.concepts):
                return {}
            doc_ids = self.candidate_ids(parsed)
            docs = FacilitySearchDocument.objects.filter(pk__in=doc_ids)
        elif parsed.places:
            docs = FacilitySearchDocument.objects.none()
            for place in parsed.places:
                docs = docs | FacilitySearchDocument.objects.filter(place_keys__contains=place)
        else:
            return {}
        vocabulary = get_vocabulary()
        scores = {}
        for doc in docs.only("id", "facility_id", "place_keys", *FIELDS):
            score, _coverage = ranking.score_document(doc, parsed, vocabulary)
            if score:
                scores[doc.facility_id] = score * ranking.place_factor(doc, parsed)
        return scores

    def search(self, query):
        text = (query.text or "").strip()
        base = public_facilities()
        parsed = self.parse(text, near=query.near) if text else None
        scores = None
        if parsed is not None:
            scores = self.scored_facility_ids(parsed)
            matched = base.filter(pk__in=list(scores))
        else:
            matched = base

        def ids_for(skip_group):
            return apply_filters(matched, query.filters, skip_group=skip_group).values("pk")

        facets = facet_counts(matched, query.filters, ids_for)
        filtered = apply_filters(matched, query.filters)
        if scores is None and query.limit and not query.near:
            total = filtered.count()
            filtered = filtered.order_by("name")[: query.limit]
        else:
            total = None
        hits = []
        for facility in filtered:
            hit = FacilityHit(facility=facility, score=scores.get(facility.pk, 0.0) if scores else 0.0)
            if query.near:
                hit.location, hit.distance_km = nearest_location(facility, query.near)
                if query.radius_km and (hit.distance_km is None or hit.distance_km > query.radius_km):
                    continue
                if scores is not None:
                    hit.score *= ranking.distance_decay(hit.distance_km)
            else:
                hit.location = first_location(facility)
            hits.append(hit)
        sort_hits(hits, query, has_text=scores is not None)
        if total is None:
            total = len(hits)
        if query.limit:
            hits = hits[: query.limit]
        result = FacilitySearchResult(query=query, hits=hits, facets=facets, total=total)
        if parsed is not None:
            result.suggestion = parsed.suggestion
            if not total:
                result.notice = _("No facilities match your search. Try other or fewer words.")
        return result


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


def fts5_match_expression(terms):
    """An FTS5 MATCH string: OR of quoted tokens, prefix terms with *. Tokens are our own stems."""
    parts = []
    for term in terms:
        token = term.token.replace('"', "")
        if token:
            parts.append(f'"{token}"*' if term.prefix else f'"{token}"')
    return " OR ".join(parts)


def tsquery_expression(terms):
    """A to_tsquery('simple', ...) string: OR of tokens, prefix terms with :*."""
    parts = []
    for term in terms:
        token = "".join(ch for ch in term.token if ch.isalnum())
        if token:
            parts.append(f"{token}:*" if term.prefix else token)
    return " | ".join(parts)


class SQLiteFacilityBackend(DatabaseFacilityBackend):
    """SQLite FTS5: bm25() with column weights picks the candidates."""

    name = "sqlite-fts5"
    # bm25 weights in FIELDS order: name, organisation, terms, description, extra, places, parts
    BM25_WEIGHTS = (3.0, 1.0, 1.2, 1.0, 0.5, 0.6, 0.5)

    def candidate_ids(self, parsed):
        expression = fts5_match_expression(parsed.all_terms())
        if not expression:
            return []
        weights = ", ".join(str(w) for w in self.BM25_WEIGHTS)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "
                f"ORDER BY bm25({FTS_TABLE}, {weights}) LIMIT %s",
                [expression, CANDIDATES],
            )
            return [row[0] for row in cursor.fetchall()]


class PostgresFacilityBackend(DatabaseFacilityBackend):
    """PostgreSQL full text: a generated tsvector (weights A-D) with a GIN index; ts_rank_cd orders."""

    name = "postgresql"

    def candidate_ids(self, parsed):
        expression = tsquery_expression(parsed.all_terms())
        if not expression:
            return []
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM search_facilitysearchdocument, to_tsquery('simple', %s) q "
                "WHERE tsv @@ q ORDER BY ts_rank_cd('{0.2, 0.4, 0.6, 1.0}', tsv, q) DESC LIMIT %s",
                [expression, CANDIDATES],
            )
            return [row[0] for row in cursor.fetchall()]


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
