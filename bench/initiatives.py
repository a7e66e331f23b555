"""Benchmark: N applications submitted concurrently against gunicorn on PostgreSQL.

    scripts/with-postgres.sh /work/main/.venv/bin/python bench/initiatives.py [--count 200] [--concurrency 50]

Creates the demo schemes and N applicants with a complete draft each, starts gunicorn, logs every applicant in,
then fires all submissions at once, each applicant pressing 'submit' twice at the same moment (a double click).
Checks afterwards: every application submitted exactly once (none lost), every reference unique and every
application with exactly one 'submit' event (none duplicated). Prints p50/p95/max submit time and throughput.
"""

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

import requests  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

PASSWORD = "Bench-wachtwoord-2026"
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(count):
    from home import demo as home_demo
    from initiatives import demo
    from initiatives.models import Application, ApplicationBudgetItem, BudgetSchemePage, Status
    from socialmap.models import Area

    call_command("migrate", verbosity=0)
    home = home_demo.load()
    demo.load(home)
    scheme = BudgetSchemePage.objects.get(slug="werkbudget-informele-zorg")
    gebied = Area.objects.get(slug="de-velden")
    User = get_user_model()
    User.objects.filter(username__startswith="bench-").delete()
    Application.objects.filter(title__startswith="Bench ").delete()
    question = scheme.extra_questions[0].id if scheme.extra_questions else None
    users = []
    for n in range(count):
        user = User.objects.create_user(f"bench-{n}@example.nl", f"bench-{n}@example.nl", PASSWORD)
        app = Application.objects.create(
            scheme=scheme, applicant=user, round=scheme.rounds.first(), status=Status.DRAFT, applicant_type="resident",
            contact_name=f"Bench {n}", title=f"Bench {n}", what="Samen koken.", who="Buren.", where_when="Dorpshuis.",
            goal="Ontmoeting.", amount_requested=Decimal("100"), gebied=gebied, iban="NL91ABNA0417164300",
            account_holder="Bench", extra_answers={question: "ja"} if question else {},
        )
        ApplicationBudgetItem.objects.create(application=app, description="Boodschappen", amount=Decimal("100"))
        users.append((user.username, str(app.public_id)))
    connection.close()
    return users


def start_gunicorn(port, workers, log_path=None):
    """gunicorn on the port. With log_path its output goes through a pipe into that file, written by this
    process: the workers then never write to a regular file themselves (bench/faults.py limits their file size)."""
    env = dict(os.environ, DJANGO_SETTINGS_MODULE=os.environ["DJANGO_SETTINGS_MODULE"])
    output = subprocess.PIPE if log_path else None
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(workers),
         "--threads", "4", "-k", "gthread", "--log-level", "warning"],
        cwd=BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT if log_path else None,
    )
    if log_path:
        import shutil
        import threading

        def drain():
            with open(log_path, "wb") as log:
                shutil.copyfileobj(process.stdout, log)

        threading.Thread(target=drain, daemon=True).start()
    for _ in range(100):
        try:
            requests.get(f"http://127.0.0.1:{port}/account/inloggen/", timeout=10)
            return process
        except requests.RequestException:  # not listening yet, or the first request still warming up
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("gunicorn did not start")


def login(base, username):
    session = requests.Session()
    page = session.get(f"{base}/account/inloggen/")
    token = CSRF_RE.search(page.text).group(1)
    response = session.post(f"{base}/account/inloggen/", data={"csrfmiddlewaretoken": token, "username": username,
                                                              "password": PASSWORD}, allow_redirects=False)
    assert response.status_code == 302, f"login failed for {username}"
    return session


def submit_twice(base, session, public_id, pool):
    """GET the check step for a fresh token, then two simultaneous POSTs (a double click)."""
    check = session.get(f"{base}/aanvragen/{public_id}/stap/check/")
    token = CSRF_RE.findall(check.text)[-1]
    url = f"{base}/aanvragen/{public_id}/indienen/"

    def post():
        start = time.perf_counter()
        response = session.post(url, data={"csrfmiddlewaretoken": token}, allow_redirects=False)
        return time.perf_counter() - start, response.status_code, response.headers.get("Location", "")

    return [f.result() for f in [pool.submit(post), pool.submit(post)]]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("warning: not on PostgreSQL; run through scripts/with-postgres.sh for the real figure")
    print(f"preparing {args.count} applicants with a complete draft ...")
    users = prepare(args.count)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn(port, args.workers)
    try:
        with ThreadPoolExecutor(args.concurrency) as pool:
            sessions = list(pool.map(lambda u: login(base, u[0]), users))
        print(f"{len(sessions)} applicants logged in; submitting all at once (each twice) ...")
        started = time.perf_counter()
        with ThreadPoolExecutor(args.concurrency) as outer, ThreadPoolExecutor(args.concurrency * 2) as inner:
            results = list(outer.map(lambda pair: submit_twice(base, pair[0], pair[1][1], inner), zip(sessions, users)))
        wall = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=20)

    from initiatives.models import Application, ApplicationEvent, Status

    timings = sorted(t for pair in results for t, _status, _loc in pair)
    statuses = [status for pair in results for _t, status, _loc in pair]
    # Both clicks of a double click must land on the receipt: the second one is not an error for the applicant.
    off_receipt = sum(1 for pair in results for _t, _status, loc in pair if "/ontvangen/" not in loc)
    apps = Application.objects.filter(title__startswith="Bench ")
    submitted = apps.filter(status=Status.SUBMITTED)
    references = list(submitted.values_list("reference", flat=True))
    events = ApplicationEvent.objects.filter(application__in=apps, action="submit").count()
    lost = args.count - submitted.count()
    duplicated = (len(references) - len(set(references))) + (events - submitted.count())
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"requests: {len(timings)} POSTs ({args.count} applications x 2), HTTP statuses: "
          f"{ {s: statuses.count(s) for s in set(statuses)} }")
    print(f"submitted: {submitted.count()} / {args.count}; lost: {lost}; duplicated: {duplicated}; "
          f"unique references: {len(set(references))}; submit events: {events}; "
          f"clicks not redirected to the receipt: {off_receipt}")
    print(f"submit time: p50 {statistics.median(timings) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
          f"max {timings[-1] * 1000:.0f} ms; wall {wall:.1f} s, {len(timings) / wall:.1f} submits/s "
          f"(gunicorn {args.workers} workers x 4 threads, {args.concurrency} clients, database {connection.vendor})")
    print("load average (1, 5, 15 min): %.2f %.2f %.2f" % os.getloadavg())
    return 0 if lost == 0 and duplicated == 0 and off_receipt == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
