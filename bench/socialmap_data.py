"""Generate a large social map for the benchmarks and print how long it took.

    scripts/with-postgres.sh .venv/bin/python bench/socialmap_data.py 10000 100000

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

from socialmap.benchdata import generate_facilities  # noqa: E402
from socialmap.models import Facility, Location, Organisation  # noqa: E402


def main(sizes):
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
    main([int(a) for a in sys.argv[1:]] or [10_000, 100_000])
