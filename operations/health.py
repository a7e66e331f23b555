"""Health check for load balancers and container orchestrators: is this app server able to serve pages?

Checks the database (one trivial query) and the search backend (Elasticsearch cluster health when
ELASTICSEARCH_URL is set; the database search otherwise, which the database check already covers).
Cheap, JSON, no personal data, 200 when everything answers and 503 when something does not.
"""

import time

from django.conf import settings
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

ELASTICSEARCH_TIMEOUT_SECONDS = 2


def check_database(alias="default"):
    started = time.monotonic()
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means 'not healthy'; the type is reported
        # A broken connection must not be reused by the next request on this thread.
        connections[alias].close_if_unusable_or_obsolete()
        return {"status": "error", "error": type(exc).__name__}
    return {"status": "ok", "ms": round((time.monotonic() - started) * 1000, 1)}


def check_search():
    url = getattr(settings, "ELASTICSEARCH_URL", "")
    if not url:
        return {"status": "ok", "backend": "database"}
    started = time.monotonic()
    try:
        from elasticsearch import Elasticsearch

        client = Elasticsearch(url, request_timeout=ELASTICSEARCH_TIMEOUT_SECONDS, max_retries=0)
        try:
            health = client.cluster.health(timeout=f"{ELASTICSEARCH_TIMEOUT_SECONDS}s")
        finally:
            client.close()
        cluster_status = health.get("status")
    except Exception as exc:  # noqa: BLE001
        return {"status": "error", "backend": "elasticsearch", "error": type(exc).__name__}
    status = "ok" if cluster_status in {"green", "yellow"} else "error"
    return {
        "status": status,
        "backend": "elasticsearch",
        "cluster": cluster_status,
        "ms": round((time.monotonic() - started) * 1000, 1),
    }


def run_checks():
    checks = {"database": check_database(), "search": check_search()}
    healthy = all(c["status"] == "ok" for c in checks.values())
    return healthy, {"status": "ok" if healthy else "error", "checks": checks}


@never_cache
def healthz(request):
    healthy, body = run_checks()
    return JsonResponse(body, status=200 if healthy else 503)
