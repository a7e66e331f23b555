"""Locust scenario: residents browsing and searching, applicants submitting (run through bench/load.py).

Residents (9 in 10 users): home page, an information page, the social map, a facility, site search and
facility search with everyday words. Applicants (1 in 10): log in with a prepared account, open the check
step of their complete draft and submit it once. BENCH_APPLICANTS names the file of "username public_id" lines.

The users are FastHttpUsers (geventhttpclient): the load generator shares the two cores with the server,
and locust's default HttpUser (requests) spends about 4 ms of CPU per request, a fifth of the machine at
150 requests/s; FastHttpUser does the same HTTP work for a fraction of that. Each user keeps its cookies
and its keep-alive connection, like a browser.
"""

import json
import os
import random
import re
from collections import Counter

from urllib.parse import quote

from locust import FastHttpUser, between, events, task

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
WORDS = ["eenzaam", "mantelzorg", "schulden", "koffie", "vervoer", "huiswerk", "sport", "taalcafe", "rolstoel", "wonen"]
PASSWORD = "Bench-wachtwoord-2026"


def _applicants():
    path = os.environ.get("BENCH_APPLICANTS")
    if not path or not os.path.exists(path):
        return []
    with open(path) as handle:
        return [line.split() for line in handle if line.strip()]


APPLICANTS = _applicants()
PAGES = [p for p in os.environ.get("BENCH_PAGES", "/").split(",") if p]
FACILITIES = [p for p in os.environ.get("BENCH_FACILITIES", "").split(",") if p]
CACHE_STATUS = Counter()


@events.request.add_listener
def count_page_cache(response=None, **kwargs):
    """How the full-page cache answered (X-Page-Cache: hit, miss or skip; none when it is off)."""
    if response is not None and getattr(response, "headers", None) is not None:
        CACHE_STATUS[response.headers.get("X-Page-Cache", "none")] += 1


@events.quitting.add_listener
def write_page_cache_counts(**kwargs):
    path = os.environ.get("BENCH_CACHE_STATS")
    if path:
        with open(path, "w") as handle:
            json.dump(CACHE_STATUS, handle)


class Resident(FastHttpUser):
    weight = 9
    wait_time = between(0.5, 2)

    @task(3)
    def browse(self):
        self.client.get(random.choice(PAGES), name="page")

    @task(2)
    def facility(self):
        if FACILITIES:
            self.client.get(random.choice(FACILITIES), name="facility")

    @task(2)
    def site_search(self):
        self.client.get(f"/zoeken/?q={quote(random.choice(WORDS))}", name="/zoeken/?q=")

    @task(1)
    def suggest(self):
        self.client.get(f"/zoeken/suggesties/?q={quote(random.choice(WORDS)[:4])}", name="/zoeken/suggesties/")


class Applicant(FastHttpUser):
    weight = 1
    wait_time = between(1, 3)

    def on_start(self):
        self.account = APPLICANTS.pop() if APPLICANTS else None
        self.submitted = False
        if self.account:
            page = self.client.get("/account/inloggen/", name="login page")
            token = CSRF_RE.search(page.text).group(1)
            self.client.post("/account/inloggen/", {"csrfmiddlewaretoken": token, "username": self.account[0],
                                                    "password": PASSWORD}, name="login")

    @task
    def apply(self):
        if not self.account:
            self.client.get("/", name="page")
            return
        if self.submitted:
            self.client.get("/aanvragen/", name="my applications")
            return
        check = self.client.get(f"/aanvragen/{self.account[1]}/stap/check/", name="check step")
        token = CSRF_RE.findall(check.text)[-1]
        with self.client.post(f"/aanvragen/{self.account[1]}/indienen/", {"csrfmiddlewaretoken": token},
                              name="submit", allow_redirects=False, catch_response=True) as response:
            if response.status_code == 302 and "ontvangen" in response.headers.get("Location", ""):
                response.success()
                self.submitted = True
            else:
                response.failure(f"submit answered {response.status_code}")


class FixedUrl(FastHttpUser):
    """bench/load.py --hit-cost URL: one URL as fast as the server answers (the cost of a page-cache hit
    through gunicorn). bench/load.py names the classes it runs, so the scenario never includes this one."""

    wait_time = between(0, 0)
    url = os.environ.get("BENCH_URL", "/")

    @task
    def fixed(self):
        self.client.get(self.url, name="fixed")
