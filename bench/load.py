"""Load bench: residents browsing and searching mixed with applicants submitting, against gunicorn.

    scripts/with-postgres.sh /work/main/.venv/bin/python bench/load.py [--users 20,40,80] [--seconds 40]

Loads the demo content, prepares applicants with a complete draft each, starts gunicorn (--workers, gthread),
then runs bench/locustfile.py headless once per user count. Prints per step: requests/s, p50/p95/p99 and
errors, then the highest requests/s measured with p95 below 300 ms and zero errors, and checks afterwards
that every application that got a receipt is submitted exactly once (none lost, none duplicated).
"""

import argparse
import csv
import os
import subprocess
import sys
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")


def _load_bench_initiatives():
    """bench/initiatives.py (prepare, free_port, start_gunicorn, login) under its own name: not the app."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_initiatives", BASE_DIR / "bench" / "initiatives.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench_initiatives = _load_bench_initiatives()

from django.db import connection  # noqa: E402


def page_urls():
    from wagtail.models import Page

    from socialmap.models import Facility, SocialMapPage

    pages = [p.url for p in Page.objects.live().filter(depth__gte=2).specific()[:40] if p.url]
    social_map = SocialMapPage.objects.live().first()
    facilities = []
    if social_map:
        facilities = [social_map.url + f"{slug}/" for slug in Facility.objects.filter(live=True).values_list("slug", flat=True)[:50]]
    connection.close()
    return pages, facilities


def run_step(host, users, seconds, applicants_file, pages, facilities, prefix):
    env = dict(os.environ, BENCH_APPLICANTS=applicants_file, BENCH_PAGES=",".join(pages),
               BENCH_FACILITIES=",".join(facilities))
    subprocess.run(
        [sys.executable, "-m", "locust", "-f", str(BASE_DIR / "bench" / "locustfile.py"), "--headless",
         "-u", str(users), "-r", str(max(users // 5, 1)), "-t", f"{seconds}s", "--host", host,
         "--csv", prefix, "--only-summary", "--loglevel", "ERROR"],
        cwd=BASE_DIR, env=env, check=False, stdout=subprocess.DEVNULL,
    )
    with open(f"{prefix}_stats.csv") as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    total = rows["Aggregated"]
    return {
        "users": users, "rps": float(total["Requests/s"]), "requests": int(total["Request Count"]),
        "errors": int(total["Failure Count"]), "p50": float(total["50%"]), "p95": float(total["95%"]),
        "p99": float(total["99%"]), "submits": int(rows.get("submit", {}).get("Request Count", 0) or 0),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", default="20,40,80")
    parser.add_argument("--seconds", type=int, default=40)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--applicants", type=int, default=60)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("warning: not on PostgreSQL; run through scripts/with-postgres.sh for the real figure")
    print(f"preparing demo content and {args.applicants} applicants ...", flush=True)
    applicants = bench_initiatives.prepare(args.applicants)
    pages, facilities = page_urls()
    port = bench_initiatives.free_port()
    host = f"http://127.0.0.1:{port}"
    server = bench_initiatives.start_gunicorn(port, args.workers)
    results = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for step, users in enumerate(int(u) for u in args.users.split(",")):
                remaining = applicants[step::len(args.users.split(","))]
                applicants_file = os.path.join(tmp, f"applicants-{users}.txt")
                with open(applicants_file, "w") as handle:
                    handle.writelines(f"{u} {p}\n" for u, p in remaining)
                result = run_step(host, users, args.seconds, applicants_file, pages, facilities, os.path.join(tmp, f"s{users}"))
                results.append(result)
                print(f"{users:4d} users: {result['rps']:7.1f} req/s  p50 {result['p50']:5.0f} ms  p95 {result['p95']:5.0f} ms  "
                      f"p99 {result['p99']:5.0f} ms  errors {result['errors']}/{result['requests']}  submits {result['submits']}",
                      flush=True)
    finally:
        server.terminate()
        server.wait(timeout=20)

    from initiatives.models import Application, ApplicationEvent, Status

    apps = Application.objects.filter(title__startswith="Bench ")
    submitted = apps.exclude(status=Status.DRAFT)
    events = ApplicationEvent.objects.filter(application__in=apps, action="submit").count()
    references = list(submitted.values_list("reference", flat=True))
    print(f"applications submitted: {submitted.count()}, submit events: {events}, unique references: {len(set(references))} "
          f"(duplicated: {events - submitted.count() + len(references) - len(set(references))})")
    good = [r for r in results if r["p95"] < 300 and r["errors"] == 0]
    if good:
        best = max(good, key=lambda r: r["rps"])
        print(f"sustained: {best['rps']:.1f} requests/s at p95 {best['p95']:.0f} ms with 0 errors ({best['users']} users, "
              f"{args.workers} gunicorn workers x 4 threads, {connection.vendor})")
    else:
        print("no step met p95 < 300 ms with zero errors")


if __name__ == "__main__":
    main()
