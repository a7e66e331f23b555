"""Generate a large social map for the benchmarks and print how long it took.

    scripts/with-postgres.sh .venv/bin/python bench/socialmap_data.py 10000 100000

HSDS import speed (fresh database per size is best: DATABASE_URL=sqlite:////tmp/bench.sqlite3):

    .venv/bin/python bench/socialmap_data.py --import 150 1000

imports that many services (the 150 demo services, repeated under new ids beyond 150) with
socialmap.hsds.import_services, then once more (all unchanged), and prints seconds (wall and CPU),
facilities per second and the number of queries.

Runs the migrations first (on the database of DATABASE_URL), then socialmap.benchdata.generate_facilities
for each size (cumulative: the 100,000 run adds to the 10,000), printing rows per second and table sizes.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from socialmap.models import Facility, Location, Organisation  # noqa: E402


def demo_services(n):
    """n HSDS services: the demo file's, repeated with fresh ids (and slugs) until there are n."""
    import copy
    import json
    import uuid

    from socialmap.demo import DEMO_FILE

    base = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    out = []
    for i in range(n):
        record = copy.deepcopy(base[i % len(base)])
        if i >= len(base):
            rename = {}

            def new_id(value, rename=rename, round_=i // len(base)):
                return rename.setdefault(value, str(uuid.uuid5(uuid.NAMESPACE_OID, f"{round_}:{value}")))

            text = json.dumps(record)
            for old in set(_ids(record)):
                text = text.replace(old, new_id(old))
            record = json.loads(text)
            for attribute in record.get("attributes") or []:
                term = attribute.get("taxonomy_term") or {}
                if term.get("code") == "slug":
                    attribute["value"] = f"{attribute['value']}-{i // len(base)}"
        out.append(record)
    return out


def _ids(obj):
    """Every "id" and "*_id" value in a record, except taxonomy terms (they must stay known)."""
    if isinstance(obj, dict):
        for key, value in obj.items():
            if key == "taxonomy_term" or key == "taxonomy_term_id":
                continue
            if (key == "id" or key.endswith("_id")) and isinstance(value, str):
                yield value
            else:
                yield from _ids(value)
    elif isinstance(obj, list):
        for item in obj:
            yield from _ids(item)


def bench_import(sizes):
    from django.test.utils import CaptureQueriesContext

    from socialmap.hsds import import_services

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}")
    for n in sizes:
        records = demo_services(n)
        for run in ("first", "again"):
            connection.queries_log.clear()
            wall, cpu = time.perf_counter(), time.process_time()
            with CaptureQueriesContext(connection) as queries:
                connection.queries_log = __import__("collections").deque(maxlen=10**7)
                report = import_services(records)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            print(
                f"import {n} services ({run}): {wall:.1f} s wall, {cpu:.1f} s CPU, {n / wall:.0f} facilities/s, "
                f"{len(queries.captured_queries)} queries; {report.created} new, {report.updated} changed, "
                f"{report.unchanged} unchanged, {len(report.errors)} errors"
            )


def main(sizes):
    from socialmap.benchdata import generate_facilities

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}")
    for n in sizes:
        started = time.perf_counter()
        result = generate_facilities(n, seed=1)
        seconds = time.perf_counter() - started
        print(
            f"generate_facilities({n}): {seconds:.1f} s, {result.facilities / seconds:.0f} facilities/s; "
            f"now {Facility.objects.count()} facilities, {Organisation.objects.count()} organisations, "
            f"{Location.objects.count()} locations"
        )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--import"]:
        bench_import([int(a) for a in sys.argv[2:]] or [150, 1_000])
    else:
        main([int(a) for a in sys.argv[1:]] or [10_000, 100_000])
