"""Fault bench: PostgreSQL restarted under load, and the search engine unreachable.

    /work/main/.venv/bin/python bench/faults.py [--seconds 30] [--applicants 40]

Starts its own throwaway PostgreSQL (initdb in a temporary folder; as root through the postgres user), loads
the demo content, prepares applicants with a complete draft and starts gunicorn with ELASTICSEARCH_URL
pointing at a closed port. Then, while residents browse and applicants submit:
1. PostgreSQL is stopped for a few seconds and started again. Every answer must be 200/302 or the themed
   503 ("Tijdelijk niet beschikbaar", Retry-After); the site must answer 200 again by itself after the
   restart; applicants whose submit failed try again. Afterwards every application is submitted exactly
   once (none lost, none duplicated: one reference, one submit event).
2. The facility search on the social map answers 200 with the fallback notice (database search).
Prints the counts per status, the time to recover and the checks.
"""

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PG_BIN = os.environ.get("PG_BIN") or sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1].as_posix()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def as_pg(args):
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--"] + args
    return subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


class Cluster:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="dichtbij-faults-")
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
        self.port = free_port()
        as_pg([f"{PG_BIN}/initdb", "-D", f"{self.dir}/data", "-U", "dichtbij", "--auth=trust", "--encoding=UTF8"])
        self.start()
        as_pg([f"{PG_BIN}/createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "dichtbij", "dichtbij"])
        self.url = f"postgres://dichtbij@127.0.0.1:{self.port}/dichtbij"

    def start(self):
        as_pg([f"{PG_BIN}/pg_ctl", "-D", f"{self.dir}/data", "-l", f"{self.dir}/log", "-w", "-o",
               f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=200", "start"])

    def stop(self):
        as_pg([f"{PG_BIN}/pg_ctl", "-D", f"{self.dir}/data", "-m", "fast", "-w", "stop"])

    def remove(self):
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--applicants", type=int, default=40)
    parser.add_argument("--down", type=float, default=5.0, help="seconds PostgreSQL stays down")
    args = parser.parse_args()
    cluster = Cluster()
    try:
        os.environ["DATABASE_URL"] = cluster.url
        os.environ["ELASTICSEARCH_URL"] = f"http://127.0.0.1:{free_port()}"  # nothing listens there
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
        sys.path.insert(0, str(BASE_DIR))
        import importlib.util

        spec = importlib.util.spec_from_file_location("bench_initiatives", BASE_DIR / "bench" / "initiatives.py")
        bench_initiatives = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(bench_initiatives)  # bench/initiatives.py: prepare, gunicorn, login
        import requests
        from django.db import connection

        from socialmap.models import SocialMapPage

        print("preparing demo content and applicants ...", flush=True)
        applicants = bench_initiatives.prepare(args.applicants)
        map_url = SocialMapPage.objects.live().first().url
        connection.close()
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = bench_initiatives.start_gunicorn(port, 2)
        try:
            sessions = [(bench_initiatives.login(base, u), pid) for u, pid in applicants]
            statuses, bad, lock = Counter(), [], threading.Lock()
            stop = threading.Event()
            receipts = {}

            def record(response):
                with lock:
                    statuses[response.status_code] += 1
                    if response.status_code == 503:
                        if "Tijdelijk niet beschikbaar" not in response.text or "Retry-After" not in response.headers:
                            bad.append("503 without the themed page or Retry-After")
                    elif response.status_code not in (200, 302):
                        bad.append(f"{response.status_code} on {response.url}")

            def resident():
                s = requests.Session()
                while not stop.is_set():
                    for url in ("/", map_url, "/zoeken/?q=koffie"):
                        try:
                            record(s.get(base + url, timeout=10))
                        except requests.RequestException as exc:
                            with lock:
                                bad.append(f"connection error: {exc.__class__.__name__}")
                    time.sleep(0.05)

            def applicant(session, public_id):
                while not stop.is_set() and public_id not in receipts:
                    try:
                        check = session.get(f"{base}/aanvragen/{public_id}/stap/check/", timeout=10)
                        record(check)
                        if check.status_code != 200:
                            time.sleep(1)
                            continue
                        token = bench_initiatives.CSRF_RE.findall(check.text)[-1]
                        response = session.post(f"{base}/aanvragen/{public_id}/indienen/",
                                                data={"csrfmiddlewaretoken": token}, allow_redirects=False, timeout=10)
                        record(response)
                        if response.status_code == 302 and "ontvangen" in response.headers.get("Location", ""):
                            receipts[public_id] = True
                    except requests.RequestException:
                        time.sleep(1)
                    time.sleep(0.5)

            threads = [threading.Thread(target=resident) for _ in range(6)]
            threads += [threading.Thread(target=applicant, args=pair) for pair in sessions]
            # Applicants start over the run, so submissions happen before, during and after the outage.
            for t in threads[:6]:
                t.start()
            started = time.monotonic()
            for i, t in enumerate(threads[6:]):
                t.start()
                time.sleep(args.seconds / 3 / max(len(sessions), 1))
            time.sleep(max(args.seconds / 3 - (time.monotonic() - started), 0))
            print(f"stopping PostgreSQL for {args.down:.0f} s ...", flush=True)
            cluster.stop()
            time.sleep(args.down)
            cluster.start()
            restarted = time.monotonic()
            recovered = None
            while time.monotonic() - restarted < 60:
                try:
                    if requests.get(base + "/", timeout=5).status_code == 200:
                        recovered = time.monotonic() - restarted
                        break
                except requests.RequestException:
                    pass
                time.sleep(0.2)
            time.sleep(args.seconds / 3)
            deadline = time.monotonic() + 30
            while len(receipts) < len(sessions) and time.monotonic() < deadline:
                time.sleep(0.5)
            stop.set()
            for t in threads:
                t.join(timeout=20)

            search = requests.get(base + map_url, params={"q": "koffie"}, timeout=10)
        finally:
            server.terminate()
            server.wait(timeout=20)

        from initiatives.models import Application, ApplicationEvent, Status

        apps = Application.objects.filter(title__startswith="Bench ")
        submitted = apps.exclude(status=Status.DRAFT)
        events = ApplicationEvent.objects.filter(application__in=apps, action="submit").count()
        references = list(submitted.values_list("reference", flat=True))
        print(f"answers: {dict(sorted(statuses.items()))}; unexpected: {len(bad)} {Counter(bad).most_common(3)}")
        print(f"recovered: {'%.1f s after PostgreSQL came back' % recovered if recovered is not None else 'NO'}")
        print(f"applications: {len(sessions)} applicants, {len(receipts)} receipts, {submitted.count()} submitted, "
              f"{events} submit events, {len(set(references))} unique references -> lost "
              f"{len(sessions) - submitted.count()}, duplicated {events - submitted.count() + len(references) - len(set(references))}")
        notice = "De zoekmachine werkt nu even niet" in search.text
        print(f"search engine unreachable: social map search answered {search.status_code}, fallback notice shown: {notice}")
    finally:
        cluster.remove()


if __name__ == "__main__":
    main()
