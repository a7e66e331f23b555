"""Elasticsearch 8/9 backend for the facility search (used when ELASTICSEARCH_URL is set).

Facilities are elasticsearch.dsl Documents in their own index with a Dutch analyzer (stopwords, the
Dutch Snowball stemmer), a synonym_graph filter built from the Synonym snippets at query time, a
dictionary_decompounder fed with the vocabulary of the indexed texts, a geo_point per location (distance
sort and decay, geotile_grid clustering for the map) and keyword facets. Facet counts follow the
post_filter pattern: each group's aggregation is filtered by every other group's filter.

If Elasticsearch cannot be reached, the search falls back to the database backend and says so in
FacilitySearchResult.notice.
"""

import logging

from django.conf import settings
from django.utils.translation import gettext as _

from .facilities import FACET_GROUPS, TAXONOMY_GROUPS, FacilityHit, FacilitySearchResult, FacetValue, haversine_km

logger = logging.getLogger(__name__)

TEXT_FIELDS = {"name": 4, "organisation": 1.5, "terms": 1.5, "description": 1, "extra": 0.5, "places": 0.8}
GEOTILE_PRECISION = 12


def index_name():
    return f"{getattr(settings, 'ELASTICSEARCH_INDEX_PREFIX', 'dichtbij')}_facilities"


def analysis_settings(synonym_groups=(), decompound_words=()):
    """Index settings: analyzers for indexing (with decompounding) and searching (with synonyms)."""
    synonyms = [", ".join(g) for g in synonym_groups if len(g) > 1]
    return {
        "analysis": {
            "filter": {
                "dutch_stop": {"type": "stop", "stopwords": "_dutch_"},
                "dutch_stemmer": {"type": "stemmer", "language": "dutch"},
                "dutch_decompounder": {
                    "type": "dictionary_decompounder",
                    "word_list": sorted(decompound_words),
                    "min_subword_size": 4,
                    "only_longest_match": True,
                },
                "dutch_synonyms": {"type": "synonym_graph", "synonyms": synonyms, "lenient": True},
            },
            "analyzer": {
                "dutch_index": {
                    "type": "custom",
                    "tokenizer": "standard",
                    "filter": ["lowercase", "asciifolding", "dutch_stop", "dutch_decompounder", "dutch_stemmer"],
                },
                "dutch_search": {
                    "type": "custom",
                    "tokenizer": "standard",
                    "filter": ["lowercase", "asciifolding", "dutch_synonyms", "dutch_stop", "dutch_stemmer"],
                },
                "autocomplete": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase", "asciifolding", "edge_ngram_filter"]},
            },
        }
    }


def document_class():
    """The elasticsearch.dsl Document for facilities (built lazily: the index name comes from settings)."""
    from elasticsearch.dsl import Document, GeoPoint, Keyword, Text

    def text():
        return Text(analyzer="dutch_index", search_analyzer="dutch_search")

    class FacilityDocument(Document):
        name = Text(analyzer="dutch_index", search_analyzer="dutch_search", fields={"raw": Keyword()})
        organisation = text()
        terms = text()
        description = text()
        extra = text()
        places = text()
        levensdomein = Keyword()
        doelgroep = Keyword()
        toegang = Keyword()
        kosten = Keyword()
        gebied = Keyword()
        wijk = Keyword()
        location = GeoPoint(multi=True)

        class Index:
            name = index_name()

    return FacilityDocument


def index_body(synonym_groups=(), decompound_words=()):
    """The full create-index body (settings + mappings), as sent to Elasticsearch."""
    body = {"settings": analysis_settings(synonym_groups, decompound_words), "mappings": document_class()._doc_type.mapping.to_dict()}
    body["settings"]["analysis"]["filter"]["edge_ngram_filter"] = {"type": "edge_ngram", "min_gram": 2, "max_gram": 15}
    return body


def facility_source(facility):
    """The document for one facility (prefetch terms, locations and areas)."""
    from .indexing import facility_texts

    texts = facility_texts(facility)
    source = {f: texts[f] for f in TEXT_FIELDS}
    for group in TAXONOMY_GROUPS:
        source[group] = [t.code for t in facility.terms.all() if t.taxonomy == group]
    wijken, gebieden, points = set(), set(), []
    for sal in facility.service_at_locations.all():
        loc = sal.location
        if loc.has_position:
            points.append({"lat": loc.latitude, "lon": loc.longitude})
        if loc.area:
            wijken.update(c for c in (loc.area.cbs_code, loc.area.slug) if c)
            if loc.area.parent and loc.area.parent.kind == "gebied":
                gebieden.add(loc.area.parent.slug)
    for area in facility.areas_served.all():
        if area.kind == "gebied":
            gebieden.add(area.slug)
        else:
            wijken.update(c for c in (area.cbs_code, area.slug) if c)
    source.update(wijk=sorted(wijken), gebied=sorted(gebieden), location=points)
    return source


def group_filter(group, codes):
    return {"terms": {group: list(codes)}}


def filters_except(filters, skip_group=None):
    return [group_filter(g, codes) for g, codes in (filters or {}).items() if codes and g != skip_group and g in FACET_GROUPS]


def text_query(text):
    if not text.strip():
        return {"match_all": {}}
    fields = [f"{f}^{w}" for f, w in TEXT_FIELDS.items()]
    return {
        "bool": {
            "should": [
                {"multi_match": {"query": text, "fields": fields, "type": "best_fields", "operator": "or",
                                 "minimum_should_match": "2<75%", "fuzziness": "AUTO", "prefix_length": 1}},
                {"multi_match": {"query": text, "fields": fields, "type": "phrase", "boost": 2}},
            ],
            "minimum_should_match": 1,
        }
    }


def build_search_body(query, size=100):
    """The request body for a FacilityQuery: relevance (with distance decay when `near`), post_filter
    for the ticked filters, facet aggregations each without its own group's filter, and map clusters."""
    q = text_query(query.text or "")
    if query.near:
        lat, lng = query.near
        q = {
            "function_score": {
                "query": q,
                "functions": [{"gauss": {"location": {"origin": {"lat": lat, "lon": lng}, "scale": "3km", "offset": "500m", "decay": 0.5}}}],
                "boost_mode": "multiply",
            }
        }
    body = {"query": q, "size": size, "track_total_hits": True}
    if getattr(query, "offset", 0):
        body["from"] = int(query.offset)  # a page of the results (search.facilities.FacilityQuery.offset)
    post = filters_except(query.filters)
    if query.near and query.radius_km:
        post.append({"geo_distance": {"distance": f"{query.radius_km}km", "location": {"lat": query.near[0], "lon": query.near[1]}}})
    if post:
        body["post_filter"] = {"bool": {"filter": post}}
    aggs = {}
    for group in FACET_GROUPS:
        others = filters_except(query.filters, skip_group=group)
        aggs[f"facet_{group}"] = {
            "filter": {"bool": {"filter": others}} if others else {"match_all": {}},
            "aggs": {"values": {"terms": {"field": group, "size": 100}}},
        }
    aggs["clusters"] = {
        "filter": {"bool": {"filter": post}} if post else {"match_all": {}},
        "aggs": {"tiles": {"geotile_grid": {"field": "location", "precision": GEOTILE_PRECISION}}},
    }
    body["aggs"] = aggs
    if query.sort == "distance" and query.near:
        body["sort"] = [{"_geo_distance": {"location": {"lat": query.near[0], "lon": query.near[1]}, "order": "asc", "unit": "km"}}, "_score"]
    elif query.sort == "name" or not (query.text or "").strip():
        body["sort"] = [{"name.raw": "asc"}]
    return body


class ElasticsearchFacilityBackend:
    name = "elasticsearch"

    def __init__(self, url=None, timeout=3):
        self.url = url or settings.ELASTICSEARCH_URL
        self.timeout = timeout
        self._client = None

    @property
    def client(self):
        if self._client is None:
            from elasticsearch import Elasticsearch

            self._client = Elasticsearch(self.url, request_timeout=self.timeout, max_retries=0, retry_on_timeout=False)
        return self._client

    # -- indexing -------------------------------------------------------------------------------------

    def create_index(self):
        from .indexing import get_vocabulary
        from .query import synonym_groups

        words = [w for w in get_vocabulary().word_df if len(w) >= 4 and w.isalpha()]
        self.client.indices.delete(index=index_name(), ignore_unavailable=True)
        self.client.indices.create(index=index_name(), **index_body(synonym_groups(), words))

    def index_facility(self, facility):
        from . import breaker
        from .indexing import indexable_facilities

        if breaker.is_open():
            raise breaker.SearchEngineUnavailable("skipped while the search engine is unavailable")
        f = indexable_facilities().filter(pk=facility.pk).first()
        if f is None:
            self.client.delete(index=index_name(), id=str(facility.pk), ignore=[404])
        else:
            self.client.index(index=index_name(), id=str(f.pk), document=facility_source(f))

    def reindex(self, progress=None):
        from elasticsearch.helpers import bulk

        from .indexing import indexable_facilities

        self.create_index()
        facilities = indexable_facilities()
        items = progress(facilities.iterator(chunk_size=500), total=facilities.count()) if progress else facilities.iterator(chunk_size=500)
        bulk(self.client, ({"_index": index_name(), "_id": str(f.pk), "_source": facility_source(f)} for f in items))
        self.client.indices.refresh(index=index_name())

    # -- searching ------------------------------------------------------------------------------------

    def search(self, query):
        from elasticsearch import ApiError, TransportError

        from . import breaker

        if breaker.is_open():
            return self.fallback_search(query)
        try:
            response = self.client.search(index=index_name(), **build_search_body(query, size=query.limit or 1000))
        except (TransportError, ApiError, OSError) as exc:
            breaker.trip(exc)
            return self.fallback_search(query)
        return self.result_from_response(query, response)

    def fallback_search(self, query):
        """The database's answer, with a notice that it comes from the simpler search."""
        from .backends import DatabaseFacilityBackend

        result = DatabaseFacilityBackend().search(query)
        result.notice = _("The search engine is not available right now; these results come from a simpler search.")
        return result

    def result_from_response(self, query, response):
        from socialmap.models import Area, TaxonomyTerm

        from .facilities import nearest_location, public_facilities

        raw = response["hits"]["hits"]
        ids = [h["_id"] for h in raw]
        facilities = {str(f.pk): f for f in public_facilities().filter(pk__in=ids)}
        hits = []
        for h in raw:
            f = facilities.get(h["_id"])
            if f is None:
                continue
            hit = FacilityHit(facility=f, score=h.get("_score") or 0.0)
            if query.near:
                hit.location, hit.distance_km = nearest_location(f, query.near)
            hits.append(hit)
        names = {(t.taxonomy, t.code): t.name for t in TaxonomyTerm.objects.all()}
        names.update({("wijk", a.cbs_code): a.name for a in Area.objects.exclude(cbs_code="")})
        names.update({("gebied", a.slug): a.name for a in Area.objects.filter(kind="gebied")})
        facets = {}
        for group in FACET_GROUPS:
            selected = set((query.filters or {}).get(group, []))
            buckets = response.get("aggregations", {}).get(f"facet_{group}", {}).get("values", {}).get("buckets", [])
            facets[group] = [FacetValue(b["key"], names.get((group, b["key"]), b["key"]), b["doc_count"], b["key"] in selected) for b in buckets]
        total = response["hits"]["total"]["value"] if isinstance(response["hits"].get("total"), dict) else len(hits)
        return FacilitySearchResult(query=query, hits=hits, facets=facets, total=total, offset=getattr(query, "offset", 0) or 0)


def clusters(response):
    """Map clusters from the geotile_grid aggregation: [(tile key, count)]."""
    buckets = response.get("aggregations", {}).get("clusters", {}).get("tiles", {}).get("buckets", [])
    return [(b["key"], b["doc_count"]) for b in buckets]


__all__ = ["ElasticsearchFacilityBackend", "build_search_body", "index_body", "haversine_km"]
