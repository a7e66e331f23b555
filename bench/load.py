"""Load bench: residents browsing and searching mixed with applicants submitting, against gunicorn.

    scripts/with-postgres.sh /work/main/.venv/bin/python bench/load.py                 # step up until p95 >= 300 ms
    scripts/with-postgres.sh /work/main/.venv/bin/python bench/load.py --users 20,60,120 --seconds 40
    PAGE_CACHE_ENABLED=false scripts/with-postgres.sh ... bench/load.py                # the same without the page cache

Loads the complete demo content (pages, social map with facilities, schemes, community), prepares applicants
with a complete draft each, starts gunicorn with config/gunicorn.conf.py (--workers/--threads override it) on
the production settings over plain HTTP (config/settings/bench.py), then runs bench/locustfile.py headless once
per step. Without --users it steps up (--start, then x --factor) until a step has p95 >= 300 ms or an error.

Prints per step: requests/s, p50/p95/p99, errors, the page-cache hit share, and where the two cores went
(gunicorn, PostgreSQL, locust itself, everything else on the machine) with the load average. Then the
sustained figure: the highest requests/s of a step with p95 below 300 ms and zero errors. Afterwards it checks
that every application that got a receipt is submitted exactly once (none lost, none duplicated).

Locust runs on the same two cores as the server: its share is printed, and it is capacity the server did
not get. The machine is shared: compare runs by ratio, with their load averages.
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")

P95_LIMIT_MS = 300


def _load_bench_initiatives():
    """bench/initiatives.py (prepare, free_port, login) under its own name: not the app."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_initiatives", BASE_DIR / "bench" / "initiatives.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench_initiatives = _load_bench_initiatives()

import psutil  # noqa: E402
import requests  # noqa: E402
from django.conf import settings  # noqa: E402
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


def start_gunicorn(port, workers, threads):
    """gunicorn with the deployment's own configuration file; access log formatted but thrown away."""
    env = dict(os.environ, GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_ACCESSLOG="/dev/null", GUNICORN_LOGLEVEL="warning")
    if workers:
        env["WEB_CONCURRENCY"] = str(workers)
    if threads:
        env["GUNICORN_THREADS"] = str(threads)
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "config.wsgi", "-c", "config/gunicorn.conf.py"],
                               cwd=BASE_DIR, env=env)
    for _ in range(150):
        try:
            if requests.get(f"http://127.0.0.1:{port}/", timeout=10).status_code == 200:
                return process
        except requests.RequestException:
            pass
        time.sleep(0.2)
    process.terminate()
    raise SystemExit("gunicorn did not start")


def _cpu_seconds(processes):
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
            total += times.user + times.system + getattr(times, "children_user", 0) + getattr(times, "children_system", 0)
        except psutil.Error:
            pass
    return total


def _tree(pid):
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return []


def _postgres_pid():
    """The postmaster of DATABASE_URL's cluster (scripts/with-postgres.sh starts one with -p PORT)."""
    port = str(settings.DATABASES["default"].get("PORT") or "")
    for process in psutil.process_iter(["name", "cmdline"]):
        cmdline = process.info.get("cmdline") or []
        if process.info.get("name") == "postgres" and port and "-p" in cmdline and port in cmdline:
            return process.pid
    return None


class CpuMeter:
    """CPU seconds of gunicorn, PostgreSQL, locust and the whole machine over one step."""

    def __init__(self, server_pid, postgres_pid):
        self.server_pid, self.postgres_pid = server_pid, postgres_pid

    def sample(self, locust_pid=None):
        import resource

        machine = psutil.cpu_times()
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        running_locust = _cpu_seconds([psutil.Process(locust_pid)]) if locust_pid else 0.0
        return {
            "gunicorn": _cpu_seconds(_tree(self.server_pid)),
            "postgres": _cpu_seconds(_tree(self.postgres_pid)) if self.postgres_pid else 0.0,
            # locust is this process's only waited-for child: finished runs count in RUSAGE_CHILDREN, the
            # running one (sampled when its statistics are reset after the ramp) through psutil
            "locust": children.ru_utime + children.ru_stime + running_locust,
            "busy": sum(machine) - machine.idle - getattr(machine, "iowait", 0),
            "time": time.monotonic(),
        }

    @staticmethod
    def shares(before, after):
        """Per part: percent of the machine's capacity (all cores) over the step."""
        capacity = (after["time"] - before["time"]) * psutil.cpu_count()
        parts = {name: 100 * (after[name] - before[name]) / capacity for name in ("gunicorn", "postgres", "locust", "busy")}
        parts["others"] = max(0.0, parts["busy"] - parts["gunicorn"] - parts["postgres"] - parts["locust"])
        parts["server_seconds"] = (after["gunicorn"] - before["gunicorn"]) + (after["postgres"] - before["postgres"])
        parts["locust_seconds"] = after["locust"] - before["locust"]
        return parts


def _remove_page_files():
    """This run's page cache files on /dev/shm (each run's database, and so its folder, is new)."""
    import shutil

    pages = settings.CACHES["pages"]
    if pages["BACKEND"].endswith("FileBasedCache"):
        shutil.rmtree(pages["LOCATION"], ignore_errors=True)


def run_step(host, users, seconds, applicants_file, pages, facilities, prefix, meter, user_classes=("Resident", "Applicant"),
             extra_env=None):
    """One locust run; statistics and CPU are counted from the end of the ramp (locust --reset-stats)."""
    cache_stats = f"{prefix}_cache.json"
    env = dict(os.environ, BENCH_APPLICANTS=applicants_file, BENCH_PAGES=",".join(pages),
               BENCH_FACILITIES=",".join(facilities), BENCH_CACHE_STATS=cache_stats, **(extra_env or {}))
    rate = max(users // 5, 1)
    ramp = users / rate
    load_before = os.getloadavg()[0]
    locust = subprocess.Popen(
        [sys.executable, "-m", "locust", "-f", str(BASE_DIR / "bench" / "locustfile.py"), "--headless",
         "-u", str(users), "-r", str(rate), "-t", f"{seconds + ramp:.0f}s", "--host", host, "--reset-stats",
         "--csv", prefix, "--only-summary", "--loglevel", "ERROR", *user_classes],
        cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    # Locust resets its statistics when the last user has started; the CPU meter starts there too.
    time.sleep(ramp + 0.5)
    before = meter.sample(locust.pid)
    locust.wait()
    after = meter.sample()
    with open(f"{prefix}_stats.csv") as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    total = rows["Aggregated"]
    cache = {}
    if os.path.exists(cache_stats):
        with open(cache_stats) as handle:
            cache = json.load(handle)
    counted = sum(cache.values()) or 1
    return {
        "users": users, "rps": float(total["Requests/s"]), "requests": int(total["Request Count"]),
        "errors": int(total["Failure Count"]), "p50": float(total["50%"]), "p95": float(total["95%"]),
        "p99": float(total["99%"]), "submits": int(rows.get("submit", {}).get("Request Count", 0) or 0),
        "hit": 100 * cache.get("hit", 0) / counted, "cache": cache, "cpu": CpuMeter.shares(before, after),
        "load": (load_before, os.getloadavg()[0]),
    }


def per_request_ms(r):
    """(server, generator) CPU milliseconds per request of a step."""
    requests_counted = max(r["requests"], 1)
    return 1000 * r["cpu"]["server_seconds"] / requests_counted, 1000 * r["cpu"]["locust_seconds"] / requests_counted


def print_step(r):
    cpu = r["cpu"]
    cores = psutil.cpu_count()
    print(f"{r['users']:4d} users: {r['rps']:7.1f} req/s  p50 {r['p50']:5.0f} ms  p95 {r['p95']:5.0f} ms  "
          f"p99 {r['p99']:5.0f} ms  errors {r['errors']}/{r['requests']}  submits {r['submits']}  "
          f"page-cache hits {r['hit']:.0f}% ({', '.join(f'{k} {v}' for k, v in sorted(r['cache'].items()))})", flush=True)
    print(f"            CPU of {cores} cores: gunicorn {cpu['gunicorn']:.0f}%  postgres {cpu['postgres']:.0f}%  "
          f"locust {cpu['locust']:.0f}%  others {cpu['others']:.0f}%  "
          f"(load average {r['load'][0]:.1f} -> {r['load'][1]:.1f})", flush=True)
    server, generator = per_request_ms(r)
    print(f"            CPU per request: server (gunicorn + postgres) {server:.1f} ms, load generator {generator:.1f} ms; "
          f"projected on {cores} idle cores: {cores * 1000 / max(server + generator, 0.01):.0f} req/s with this generator "
          f"beside the server, {cores * 1000 / max(server, 0.01):.0f} req/s with the generator elsewhere", flush=True)


def user_steps(args):
    if args.users:
        yield from (int(u) for u in args.users.split(","))
        return
    users = args.start
    while users <= args.max_users:
        yield users
        users = int(users * args.factor)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", help="fixed steps, e.g. 20,60,120 (default: step up until p95 >= 300 ms)")
    parser.add_argument("--start", type=int, default=40, help="first step when stepping up (default 40 users)")
    parser.add_argument("--factor", type=float, default=1.5, help="users grow by this factor per step (default 1.5)")
    parser.add_argument("--max-users", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=40)
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: config/gunicorn.conf.py's)")
    parser.add_argument("--threads", type=int, help="threads per worker (default: config/gunicorn.conf.py's)")
    parser.add_argument("--applicants", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=20,
                        help="seconds of load at the first step's users before measuring, not counted (default 20; "
                             "a site in service runs with a warm page cache, every worker its own with local memory)")
    parser.add_argument("--hit-cost", metavar="URL",
                        help="instead of the scenario: --users users (default 8) ask URL without pausing for --seconds; "
                             "gives the CPU cost of one page-cache hit through gunicorn")
    args = parser.parse_args()
    if args.hit_cost:
        return hit_cost(args)
    if connection.vendor != "postgresql":
        print("warning: not on PostgreSQL; run through scripts/with-postgres.sh for the real figure")
    print(f"preparing the demo content and {args.applicants} applicants ...", flush=True)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("load_demo", stdout=quiet)
    applicants = bench_initiatives.prepare(args.applicants)
    pages, facilities = page_urls()
    port = bench_initiatives.free_port()
    host = f"http://127.0.0.1:{port}"
    server = start_gunicorn(port, args.workers, args.threads)
    workers = os.environ.get("WEB_CONCURRENCY") or args.workers
    print(f"settings {os.environ['DJANGO_SETTINGS_MODULE']}; page cache "
          f"{'on (' + settings.CACHES['pages']['BACKEND'].rsplit('.', 1)[-1] + ')' if settings.PAGE_CACHE_ENABLED else 'off'}; "
          f"gunicorn {len(_tree(server.pid)) - 1} workers x {args.threads or os.environ.get('GUNICORN_THREADS', 'conf')} threads "
          f"(--workers {workers or 'conf'}); {len(pages)} pages, {len(facilities)} facilities; "
          f"load average {os.getloadavg()[0]:.1f}", flush=True)
    meter = CpuMeter(server.pid, _postgres_pid())
    results = []
    remaining = list(applicants)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            if args.warmup:
                first = next(user_steps(args))
                warm = run_step(host, first, args.warmup, os.path.join(tmp, "none.txt"), pages, facilities,
                                os.path.join(tmp, "warmup"), meter)
                print(f"warm-up: {first} users for {args.warmup} s, {warm['requests']} requests (not counted)", flush=True)
            for users in user_steps(args):
                # One applicant per ten users (the locustfile's weights), each with a draft of their own.
                take = users // 10 + 2
                mine, remaining = remaining[:take], remaining[take:]
                applicants_file = os.path.join(tmp, f"applicants-{users}.txt")
                with open(applicants_file, "w") as handle:
                    handle.writelines(f"{u} {p}\n" for u, p in mine)
                result = run_step(host, users, args.seconds, applicants_file, pages, facilities,
                                  os.path.join(tmp, f"s{users}"), meter)
                results.append(result)
                print_step(result)
                if not args.users and (result["p95"] >= P95_LIMIT_MS or result["errors"]):
                    break
    finally:
        server.terminate()
        server.wait(timeout=30)
        _remove_page_files()

    from initiatives.models import Application, ApplicationEvent, Status

    apps = Application.objects.filter(title__startswith="Bench ")
    submitted = apps.exclude(status=Status.DRAFT)
    events = ApplicationEvent.objects.filter(application__in=apps, action="submit").count()
    references = list(submitted.values_list("reference", flat=True))
    print(f"applications submitted: {submitted.count()}, submit events: {events}, unique references: {len(set(references))} "
          f"(duplicated: {events - submitted.count() + len(references) - len(set(references))})")
    good = [r for r in results if r["p95"] < P95_LIMIT_MS and r["errors"] == 0]
    if good:
        best = max(good, key=lambda r: r["rps"])
        server_ms, generator_ms = per_request_ms(best)
        print(f"sustained: {best['rps']:.1f} requests/s at p95 {best['p95']:.0f} ms with 0 errors ({best['users']} users, "
              f"page-cache hits {best['hit']:.0f}%, server CPU {server_ms:.1f} ms and load generator {generator_ms:.1f} ms "
              f"per request; locust {best['cpu']['locust']:.0f}% and others {best['cpu']['others']:.0f}% of the "
              f"{psutil.cpu_count()} cores, load average {best['load'][1]:.1f}, {connection.vendor})")
    else:
        print(f"no step met p95 < {P95_LIMIT_MS} ms with zero errors")


def hit_cost(args):
    """One URL, no pauses: server and load-generator CPU per request of a page-cache hit through gunicorn."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("load_demo", stdout=quiet)
    port = bench_initiatives.free_port()
    host = f"http://127.0.0.1:{port}"
    server = start_gunicorn(port, args.workers, args.threads)
    meter = CpuMeter(server.pid, _postgres_pid())
    users = int(args.users or 8)
    print(f"{args.hit_cost}: {users} users without pauses, {len(_tree(server.pid)) - 1} gunicorn workers, "
          f"page cache {settings.CACHES['pages']['BACKEND'].rsplit('.', 1)[-1] if settings.PAGE_CACHE_ENABLED else 'off'}",
          flush=True)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            extra = {"BENCH_URL": args.hit_cost}
            run_step(host, users, 5, "", [], [], os.path.join(tmp, "warm"), meter, ("FixedUrl",), extra)
            print_step(run_step(host, users, args.seconds, "", [], [], os.path.join(tmp, "run"), meter, ("FixedUrl",), extra))
    finally:
        server.terminate()
        server.wait(timeout=30)
        _remove_page_files()


if __name__ == "__main__":
    main()
