"""Facility search and autocomplete timings over generated facilities (run on PostgreSQL):

    scripts/with-postgres.sh /work/main/.venv/bin/python bench/search.py [--facilities 100000] [--runs 200]

Prints p50/p95 per query kind (search_facilities, as the public pages call it, with facets) and the
autocomplete p95 (the suggestions endpoint through Django's test client). Aim: autocomplete p95 <= 50 ms.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

QUERIES = ["mantelzorg", "hulp bij schulden", "voedsel bank", "mantelzrog", "taalles klazienaveen", "dagbesteding ouderen",
           "thuiszorg", "vervoer naar ziekenhuis", "tandarts", "koffie drinken"]
PREFIXES = ["ma", "mant", "mantelz", "schul", "voedsel", "dorps", "taalh", "vervo", "wijkv", "formul"]


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] * 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--facilities", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--existing", action="store_true",
                        help="measure the facilities already in DATABASE_URL (e.g. left by bench/socialmap.py): no throwaway database, no generating")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    if args.existing:
        return run(args)
    old = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args)
    finally:
        connection.creation.destroy_test_db(old, verbosity=0)


def run(args):
    from django.db import connection
    from django.test import Client

    from search.benchdata import generate
    from search.facilities import FacilityQuery, search_facilities
    from search.indexing import paused, reindex_all

    print(f"database: {connection.vendor}")
    if args.existing:
        from search.models import FacilitySearchDocument

        print(f"existing data: {FacilitySearchDocument.objects.count()} indexed facilities")
    else:
        t = time.perf_counter()
        with paused():
            generate(args.facilities, stdout=sys.stdout)
        print(f"generated {args.facilities} facilities in {time.perf_counter() - t:.0f} s")
        t = time.perf_counter()
        reindex_all()
        print(f"indexed in {time.perf_counter() - t:.0f} s")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

    def timed(fn):
        start = time.perf_counter()
        fn()
        return time.perf_counter() - start

    for label, make in [
        ("text, page of 20 + facets", lambda q: FacilityQuery(text=q, limit=20)),
        ("text + filter, page of 20 + facets", lambda q: FacilityQuery(text=q, filters={"doelgroep": ["ouderen"]}, limit=20)),
        ("text + near, page of 20 + facets", lambda q: FacilityQuery(text=q, near=(52.79, 6.94), limit=20)),
    ]:
        times = []
        for i in range(args.runs):
            q = QUERIES[i % len(QUERIES)]
            times.append(timed(lambda: search_facilities(make(q))))
        print(f"search_facilities [{label}]: p50 {pct(times, 50):.0f} ms, p95 {pct(times, 95):.0f} ms (n={len(times)})")

    client = Client()
    times = []
    for i in range(args.runs):
        prefix = PREFIXES[i % len(PREFIXES)]
        times.append(timed(lambda: client.get("/zoeken/suggesties/", {"q": prefix})))
    print(f"autocomplete /zoeken/suggesties/: p50 {pct(times, 50):.0f} ms, p95 {pct(times, 95):.0f} ms (n={len(times)})")
    print(f"mean search over all kinds is in the lines above; median autocomplete {statistics.median(times) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
