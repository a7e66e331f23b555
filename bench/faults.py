"""Fault bench: PostgreSQL restarted under load, the search engine unreachable, the upload storage full.

    /work/main/.venv/bin/python bench/faults.py [--seconds 30] [--applicants 40]

Starts its own throwaway PostgreSQL (initdb in a temporary folder; as root through the postgres user), loads
the demo content, prepares applicants with a complete draft and starts gunicorn with ELASTICSEARCH_URL
pointing at a closed port. Then, while residents browse and applicants submit:
1. PostgreSQL is stopped for a few seconds and started again. Every answer must be 200/302 or the themed
   503 ("Tijdelijk niet beschikbaar", Retry-After); the site must answer 200 again by itself after the
   restart; applicants whose submit failed try again. Afterwards every application is submitted exactly
   once (none lost, none duplicated: one reference, one submit event).
2. The facility search on the social map and the site search answer 200 with the fallback notice.
3. The upload storage fills up: the gunicorn workers get a file size limit (RLIMIT_FSIZE, as a disk quota
   would), so writing an attachment stops halfway with EFBIG. Every upload in that time must answer the
   attachments step again with the Dutch storage error and the typed description; after the limit is lifted
   the same uploads succeed. Afterwards every attachment row has its complete file and every file in the
   private storage has its row (no half-written or orphan files).
Prints the counts per status, the time to recover and the checks.
"""

import argparse
import os
import re
import resource
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


UPLOAD_SIZE = 200 * 1024  # the attachment each uploader sends
FILE_SIZE_LIMIT = 64 * 1024  # what the 'full' storage still takes: the write stops halfway
STORAGE_ERROR_NL = "Uw bestand kon niet worden opgeslagen"


def worker_pids(master_pid):
    """The gunicorn workers: the master's children."""
    with open(f"/proc/{master_pid}/task/{master_pid}/children") as handle:
        return [int(pid) for pid in handle.read().split()]


def limit_file_size(master_pid, limit):
    """Set RLIMIT_FSIZE on every worker (None: unlimited). Python ignores SIGXFSZ, so a write beyond the limit
    fails with EFBIG, as on a full quota, instead of killing the worker."""
    value = resource.RLIM_INFINITY if limit is None else limit
    pids = worker_pids(master_pid)
    for pid in pids:
        _soft, hard = resource.prlimit(pid, resource.RLIMIT_FSIZE)
        resource.prlimit(pid, resource.RLIMIT_FSIZE, (value, hard))
    return pids


def upload(session, base, public_id, description):
    """One attachment (a PDF of UPLOAD_SIZE bytes) on the attachments step, as a browser sends it."""
    url = f"{base}/aanvragen/{public_id}/stap/attachments/"
    # A fresh connection: gunicorn drops keep-alive connections idle for 2 s, and a request sent on one just as
    # it closes is reset (a browser would quietly retry; this client does not).
    session.close()
    page = session.get(url, timeout=10)
    token = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[-1]
    pdf = b"%PDF-1.4\n" + b"%" * (UPLOAD_SIZE - 20) + b"\n%%EOF\n"
    return session.post(url, data={"csrfmiddlewaretoken": token, "upload": "1", "description": description},
                        files={"file": ("offerte.pdf", pdf, "application/pdf")}, allow_redirects=False, timeout=30)


def storage_fault(base, master_pid, uploaders, private_root):
    """Phase 3: uploads while the storage is 'full', then again after it has room. Returns the figures."""
    from concurrent.futures import ThreadPoolExecutor

    from initiatives.models import Application, Attachment

    def run(description):
        with ThreadPoolExecutor(8) as pool:
            return list(pool.map(lambda pair: upload(pair[0], base, pair[1], description), uploaders))

    limit_file_size(master_pid, FILE_SIZE_LIMIT)
    try:
        during = run("Offerte tijdens volle opslag")
    finally:
        limit_file_size(master_pid, None)
    after = run("Offerte na herstel")
    clear = sum(1 for r in during if r.status_code == 200 and STORAGE_ERROR_NL in r.text
                and 'value="Offerte tijdens volle opslag"' in r.text)
    stored_after = sum(1 for r in after if r.status_code == 302)
    apps = Application.objects.filter(public_id__in=[pid for _s, pid in uploaders])
    rows = list(Attachment.objects.filter(application__in=apps).values_list("file", "size", "description"))
    on_disk = {str(p.relative_to(private_root)): p.stat().st_size for p in Path(private_root).rglob("*") if p.is_file()}
    missing = [name for name, size, _d in rows if on_disk.get(name) != size]  # row without its complete file
    orphans = sorted(set(on_disk) - {name for name, _s, _d in rows})  # file (or half a file) without a row
    during_rows = sum(1 for _n, _s, d in rows if d == "Offerte tijdens volle opslag")
    return {"uploads during": len(during), "clear error with description kept": clear,
            "other answers during": Counter(r.status_code for r in during if STORAGE_ERROR_NL not in r.text),
            "rows saved during": during_rows, "uploads after": len(after), "stored after": stored_after,
            "rows without complete file": len(missing), "files without row": len(orphans)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--applicants", type=int, default=40)
    parser.add_argument("--uploaders", type=int, default=16, help="applicants uploading during the storage fault")
    parser.add_argument("--down", type=float, default=5.0, help="seconds PostgreSQL stays down")
    args = parser.parse_args()
    cluster = Cluster()
    private_root = Path(tempfile.mkdtemp(prefix="dichtbij-faults-private-"))
    try:
        os.environ["DATABASE_URL"] = cluster.url
        # The demo is loaded with the database search backend; only gunicorn gets the unreachable search engine.
        os.environ.pop("ELASTICSEARCH_URL", None)
        os.environ["PRIVATE_MEDIA_ROOT"] = str(private_root)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
        sys.path.insert(0, str(BASE_DIR))
        import importlib.util

        spec = importlib.util.spec_from_file_location("bench_initiatives", BASE_DIR / "bench" / "initiatives.py")
        bench_initiatives = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(bench_initiatives)  # bench/initiatives.py: prepare, gunicorn, login
        import requests
        from django.core.management import call_command
        from django.db import connection

        from socialmap.models import SocialMapPage

        print("preparing demo content and applicants ...", flush=True)
        call_command("migrate", verbosity=0)
        call_command("load_demo", verbosity=0)  # the social map too: residents search it
        prepared = bench_initiatives.prepare(args.applicants + args.uploaders)
        applicants, uploader_drafts = prepared[:args.applicants], prepared[args.applicants:]
        map_url = SocialMapPage.objects.live().first().url
        connection.close()
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        os.environ["ELASTICSEARCH_URL"] = f"http://127.0.0.1:{free_port()}"  # nothing listens there
        log_path = os.path.join(tempfile.gettempdir(), "dichtbij-faults-gunicorn.log")
        server = bench_initiatives.start_gunicorn(port, 2, log_path=log_path)
        try:
            sessions = [(bench_initiatives.login(base, u), pid) for u, pid in applicants]
            statuses, bad, lock = Counter(), [], threading.Lock()
            stop = threading.Event()
            receipts = {}
            timeline = []  # (when the answer came, status): when did the 503s stop after the restart?

            def record(response):
                with lock:
                    timeline.append((time.monotonic(), response.status_code))
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
            after_restart = [(t - restarted, status) for t, status in timeline if t > restarted]
            first_ok = min((t for t, status in after_restart if status == 200), default=None)
            last_503 = max((t for t, status in after_restart if status == 503), default=None)

            search = requests.get(base + map_url, params={"q": "koffie"}, timeout=10)
            started_site = time.monotonic()
            site_search = requests.get(base + "/zoeken/", params={"q": "koffie"}, timeout=30)
            site_seconds = time.monotonic() - started_site
            print("filling up the upload storage (file size limit on the workers) ...", flush=True)
            uploaders = [(bench_initiatives.login(base, u), pid) for u, pid in uploader_drafts]
            storage = storage_fault(base, server.pid, uploaders, private_root)
        finally:
            server.terminate()
            server.wait(timeout=20)

        from initiatives.models import Application, ApplicationEvent, Status

        apps = Application.objects.filter(public_id__in=[pid for _u, pid in applicants])
        submitted = apps.exclude(status=Status.DRAFT)
        events = ApplicationEvent.objects.filter(application__in=apps, action="submit").count()
        references = list(submitted.values_list("reference", flat=True))
        print(f"answers: {dict(sorted(statuses.items()))}; unexpected: {len(bad)} {Counter(bad).most_common(3)}")
        print(f"recovered: {'%.1f s after PostgreSQL came back' % recovered if recovered is not None else 'NO'} "
              f"(home page probe); first 200 to any client after "
              f"{'%.1f s' % first_ok if first_ok is not None else '-'}, last 503 after "
              f"{'%.1f s' % last_503 if last_503 is not None else 'none'}")
        print(f"applications: {len(sessions)} applicants, {len(receipts)} receipts, {submitted.count()} submitted, "
              f"{events} submit events, {len(set(references))} unique references -> lost "
              f"{len(sessions) - submitted.count()}, duplicated {events - submitted.count() + len(references) - len(set(references))}")
        notice = "De zoekmachine werkt nu even niet" in search.text
        print(f"search engine unreachable: social map search answered {search.status_code}, fallback notice shown: {notice}")
        site_notice = "De zoekmachine werkt nu even niet" in site_search.text
        print(f"search engine unreachable: site search answered {site_search.status_code} in {site_seconds:.2f} s, "
              f"fallback notice shown: {site_notice}")
        print("upload storage full: " + "; ".join(f"{k}: {v}" for k, v in storage.items()))
        print(f"gunicorn's log (the errors answered with 503 included): {log_path}")
        print("load average (1, 5, 15 min): %.2f %.2f %.2f" % os.getloadavg())
    finally:
        cluster.remove()
        shutil.rmtree(private_root, ignore_errors=True)


if __name__ == "__main__":
    main()
