"""Figures for the community pages: queries per request, response size, p50/p95 render time.

Run against a database with the demo loaded:
    DATABASE_URL=sqlite:////tmp/demo.sqlite3 python manage.py migrate && ... load_demo
    DATABASE_URL=sqlite:////tmp/demo.sqlite3 python bench/community_pages.py [rounds]
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from wagtail.models import Site  # noqa: E402

PATHS = ["/", "/nieuws/", "/nieuws/rss/", "/activiteiten/", "/activiteiten/ical/", "/activiteiten/3d-atelier-1/",
         "/gebieden/de-velden/", "/nieuwsbrief/"]


def main(rounds=20):
    settings.ALLOWED_HOSTS = ["*"]
    site = Site.objects.get(is_default_site=True)
    host = f"{site.hostname}:{site.port}" if site.port not in (80, 443) else site.hostname
    client = Client(HTTP_HOST=host)
    print(f"{'path':32} {'status':>6} {'queries':>7} {'bytes':>8} {'p50 ms':>8} {'p95 ms':>8}")
    for path in PATHS:
        client.get(path)  # warm up
        queries = []
        with connection.execute_wrapper(lambda execute, sql, params, many, context: queries.append(sql) or execute(sql, params, many, context)):
            response = client.get(path)
        times = []
        for _ in range(rounds):
            reset_queries()
            start = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]
        print(f"{path:32} {response.status_code:>6} {len(queries):>7} {len(response.content):>8} {statistics.median(times):>8.1f} {p95:>8.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
