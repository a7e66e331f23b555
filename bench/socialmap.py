"""Social map benchmark: generate facilities, then time the public endpoints over HTTP (Django's test Client
goes through the whole WSGI stack: middleware, Wagtail's page routing, templates) and count queries.

    scripts/with-postgres.sh /work/main/.venv/bin/python bench/socialmap.py --sizes 10000 100000

Prints, per size: p50/p95 of a search (text + two facets + near), of the GeoJSON endpoint at three zoom
levels (and its size in bytes), of the facility page, and the queries per request. Aims (issue 3) at
100,000 facilities: search p95 <= 150 ms, GeoJSON p95 <= 150 ms and <= 100 KB, detail <= 10 queries.
"""

import argparse
import math
import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

CENTRE = (52.785, 6.897)
PARTS = ["search", "list", "geojson", "detail"]
VIEWPORT_PX = (1024, 600)


def viewport_bbox(lat, lng, zoom, size=VIEWPORT_PX):
    """The lng/lat box a map of `size` pixels shows around a centre at a zoom level (Web Mercator)."""
    scale = 256 * 2**zoom
    x = (lng + 180) / 360 * scale
    s = math.sin(math.radians(lat))
    y = (0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)) * scale

    def to_lnglat(px, py):
        lon = px / scale * 360 - 180
        n = math.pi - 2 * math.pi * py / scale
        return lon, math.degrees(math.atan(math.sinh(n)))

    w, h = size
    min_lng, min_lat = to_lnglat(x - w / 2, y + h / 2)
    max_lng, max_lat = to_lnglat(x + w / 2, y - h / 2)
    return f"{min_lng:.5f},{min_lat:.5f},{max_lng:.5f},{max_lat:.5f}"


def percentile(values, p):
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo, hi = math.floor(k), math.ceil(k)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def measure(client, url, params, runs, warmup=1):
    for _ in range(warmup):
        client.get(url, params)
    times, queries, sizes = [], [], []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url, params)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, params, response.status_code)
        queries.append(len(ctx))
        sizes.append(len(response.content))
    return {"p50": percentile(times, 50), "p95": percentile(times, 95), "queries": max(queries), "bytes": max(sizes)}


def setup_site():
    from tests.factories import make_home_page
    from tests.socialmap.factories import make_social_map_page

    call_command("migrate", verbosity=0, interactive=False)
    return make_social_map_page(make_home_page())


def load_average():
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def report(label, result, show_bytes=False):
    extra = f"  {result['bytes'] / 1024:7.1f} KB" if show_bytes else ""
    print(f"  {label:<44} p50 {result['p50']:8.1f} ms   p95 {result['p95']:8.1f} ms   queries {result['queries']:4d}{extra}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--parts", nargs="+", choices=PARTS, default=PARTS, help="what to measure (default: all)")
    args = parser.parse_args()

    from socialmap.benchdata import generate
    from search.indexing import reindex_all
    from socialmap.models import Facility

    print(f"database: {connection.vendor}; load average {load_average()}", flush=True)
    page = setup_site()
    client = Client()
    for size in sorted(args.sizes):
        have = Facility.objects.filter(live=True).count()
        if have < size:
            start = time.perf_counter()
            generate(size - have, progress=lambda done, total: print(f"\r  generating {done}/{total}", end="", flush=True))
            print(f"\r  generated {size - have} facilities in {time.perf_counter() - start:.0f} s", flush=True)
            # generate() bulk-inserts (no signals): index the facilities, or the text search would find none of them.
            # Only the search needs the index; skipping it saves minutes when measuring the map or detail page.
            if "search" in args.parts:
                start = time.perf_counter()
                reindex_all()
                print(f"  indexed for search in {time.perf_counter() - start:.0f} s", flush=True)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
        print(f"\n{Facility.objects.filter(live=True).count()} facilities ({args.runs} runs each); load average {load_average()}", flush=True)
        if "search" in args.parts:
            report("search: q=hulp + levensdomein + doelgroep + near", measure(client, page.url, {
                "q": "hulp", "levensdomein": "wonen", "doelgroep": "ouderen", "postcode": "7811 AB", "radius": "10"}, args.runs))
        if "list" in args.parts:
            report("list, first page, no criteria", measure(client, page.url, {}, args.runs))
        if "geojson" in args.parts:
            for zoom in (10, 13, 16):
                report(f"GeoJSON zoom {zoom} (viewport 1024x600)", measure(client, page.url + "geojson/", {
                    "zoom": zoom, "bbox": viewport_bbox(*CENTRE, zoom)}, args.runs), show_bytes=True)
            # map.js asks for everything (no bbox) on the first load, then per viewport.
            report("GeoJSON zoom 12, no bbox (first map load)", measure(client, page.url + "geojson/", {"zoom": 12}, args.runs),
                   show_bytes=True)
            report("GeoJSON zoom 13 + levensdomein filter", measure(client, page.url + "geojson/", {
                "zoom": 13, "bbox": viewport_bbox(*CENTRE, 13), "levensdomein": "wonen"}, args.runs), show_bytes=True)
            # A search on the map: text and a facet (text needs the search index: generate with "search" in --parts).
            for zoom in (10, 13, 16):
                report(f"GeoJSON zoom {zoom} + q=hulp + levensdomein", measure(client, page.url + "geojson/", {
                    "zoom": zoom, "bbox": viewport_bbox(*CENTRE, zoom), "q": "hulp", "levensdomein": "wonen"}, args.runs),
                    show_bytes=True)
        if "detail" in args.parts:
            slugs = list(Facility.objects.filter(slug__startswith="bench-").values_list("slug", flat=True)[:5])
            detail = [measure(client, f"{page.url}{slug}/", {}, max(2, args.runs // len(slugs))) for slug in slugs]
            report("facility page", {"p50": statistics.median(d["p50"] for d in detail), "p95": max(d["p95"] for d in detail),
                                     "queries": max(d["queries"] for d in detail), "bytes": 0})
        print(f"  load average {load_average()}", flush=True)


if __name__ == "__main__":
    main()
