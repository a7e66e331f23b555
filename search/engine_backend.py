"""Wagtail's Elasticsearch 8 backend whose index updates skip an engine that failed a moment ago.

Wagtail indexes pages and snippets on every save; with a hung engine each save in the admin would wait
for the timeout. While search.breaker is open, updates are skipped at once (Wagtail logs them and the
save goes through: `catch_indexing_errors`); `manage.py update_index` brings the engine up to date after
an outage. Searches go through search.sitesearch, which checks the same breaker.
"""

from wagtail.search.backends.elasticsearch8 import Elasticsearch8SearchBackend

from . import breaker


class BreakerElasticsearch8SearchBackend(Elasticsearch8SearchBackend):
    def _guarded(self, method, *args):
        if breaker.is_open():
            raise breaker.SearchEngineUnavailable("index update skipped while the search engine is unavailable")
        try:
            return method(*args)
        except Exception as exc:
            if breaker.is_unreachable(exc):
                breaker.trip(exc)
            raise

    def add(self, obj):
        return self._guarded(super().add, obj)

    def add_bulk(self, model, obj_list):
        return self._guarded(super().add_bulk, model, obj_list)

    def delete(self, obj):
        return self._guarded(super().delete, obj)


SearchBackend = BreakerElasticsearch8SearchBackend
