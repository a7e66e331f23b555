"""Server time and database queries per public page type, cache off (issue 2's page benchmark).

    python bench/pages.py [--requests 200] [--pages home content ...] [--no-setup]
    scripts/with-postgres.sh /work/main/.venv/bin/python bench/pages.py

Works on whatever DATABASE_URL names (SQLite file by default, PostgreSQL through scripts/with-postgres.sh):
first it runs `migrate` and `load_demo` there (both idempotent; --no-setup skips them), then it takes one
page of each public type from the demo content (home, content page, form page, social map list, facility
page, news index, news item, event index, event, area page, search results, scheme page, funded initiatives)
and sends each N GET requests through Django's test Client: the whole stack (middleware, Wagtail routing,
templates) without a network. DEBUG is off (cached templates, as in production) and Django's cache is a
DummyCache, so nothing is served from a cache (--cache keeps the configured one, for comparison). Prints
per page: status, queries per request (median and max), p50/p95 server time (wall clock), the p50 of the CPU
time the process spent on a request (on a shared machine the wall clock also counts waiting for a core; the CPU
time says what the page itself costs) and the HTML size.
Aim (issue 2): at most 10 queries and p50 <= 25 ms per page.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("DEBUG", "0")  # dev settings, but cached templates and no debug overhead, as in production

import warnings  # noqa: E402

import django  # noqa: E402

warnings.filterwarnings("ignore", message="No directory at")  # STATIC_ROOT unused here
django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402

AIM_QUERIES = 10
AIM_P50_MS = 25.0
SEARCH_QUERY = "mantelzorg"


def percentile(values, p):
    """Nearest-rank percentile (p in 0..100) of a list of numbers."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * len(ordered)) - 1))]


def setup_demo():
    """Migrate and load the demo content into the database of DATABASE_URL (both idempotent)."""
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    with open(os.devnull, "w") as quiet:
        call_command("load_demo", stdout=quiet)
    print(f"setup: migrate + load_demo in {time.perf_counter() - started:.0f} s")


def site_client():
    """A test Client addressed to the default Wagtail site."""
    from wagtail.models import Site

    settings.ALLOWED_HOSTS = ["*"]
    site = Site.objects.get(is_default_site=True)
    return Client(HTTP_HOST=site.hostname if site.port in (80, 443) else f"{site.hostname}:{site.port}")


def _first(model, **filters):
    page = model.objects.live().filter(**filters).order_by("path").first()
    return page.url if page else None


def demo_urls():
    """{label: url} for one page of each public type, taken from the demo content (None when missing)."""
    from home.areas import AreaPage
    from home.events import EventIndexPage, EventPage
    from home.models import ContentPage, FormPage, HomePage
    from home.news import NewsIndexPage, NewsPage
    from initiatives.models import BudgetSchemePage
    from socialmap.models import Facility, SocialMapPage

    social_map = SocialMapPage.objects.live().order_by("path").first()
    facility = Facility.objects.filter(live=True).order_by("name").first() if social_map else None
    return {
        "home": _first(HomePage),
        "content page": _first(ContentPage),
        "form page": _first(FormPage),
        "social map list": social_map.url if social_map else None,
        "facility page": social_map.facility_url(facility) if facility else None,
        "news index": _first(NewsIndexPage),
        "news item": _first(NewsPage),
        "event index": _first(EventIndexPage),
        "event": _first(EventPage),
        "area page": _first(AreaPage),
        "search results": f"{reverse('search:search')}?q={SEARCH_QUERY}",
        "scheme page": _first(BudgetSchemePage),
        "funded list": reverse("initiatives:funded"),
    }


def measure(client, url, requests, warmup=3):
    """Time `requests` GETs of url; count the queries of each. Returns a dict of figures."""
    for _ in range(warmup):
        client.get(url)
    times, cpu_times, queries = [], [], []
    count = [0]

    def counter(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        for _ in range(requests):
            count[0] = 0
            start, cpu_start = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            cpu_times.append((time.process_time() - cpu_start) * 1000)
            queries.append(count[0])
    return {
        "status": response.status_code,
        "queries": statistics.median(queries),
        "max_queries": max(queries),
        "p50": percentile(times, 50),
        "p95": percentile(times, 95),
        "cpu_p50": percentile(cpu_times, 50),
        "kb": len(response.content) / 1024,
        "page_cache": response.get("X-Page-Cache", ""),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", "-n", type=int, default=200, help="requests per page (default 200)")
    parser.add_argument("--pages", nargs="*", help="only these page labels (e.g. home 'content page')")
    parser.add_argument("--no-setup", action="store_true", help="skip migrate and load_demo")
    parser.add_argument("--cache", action="store_true", help="keep the configured cache (as production runs) for comparison")
    parser.add_argument("--page-cache", action="store_true",
                        help="full-page cache on (local memory), as production serves anonymous visitors: "
                             "after the warm-up every request is a hit unless the page cannot be cached")
    args = parser.parse_args(argv)

    if not args.no_setup:
        setup_demo()
    if args.page_cache:
        locmem = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
        override_settings(CACHES={"default": locmem, "pages": {**locmem, "LOCATION": "bench-pages"}},
                          PAGE_CACHE_ENABLED=True, PAGE_CACHE_STAMP_FILE=None).enable()
    elif not args.cache:
        dummy = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
        override_settings(CACHES={"default": dummy, "pages": dummy}, PAGE_CACHE_ENABLED=False).enable()
    client = site_client()
    urls = demo_urls()
    if args.pages:
        unknown = set(args.pages) - set(urls)
        if unknown:
            parser.error(f"unknown page labels {sorted(unknown)}; choose from {sorted(urls)}")
        urls = {label: url for label, url in urls.items() if label in args.pages}

    vendor = connection.vendor
    print(f"database: {vendor} ({connection.settings_dict['NAME']}); DEBUG={settings.DEBUG}; "
          f"cache: {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}; "
          f"page cache: {'on' if settings.PAGE_CACHE_ENABLED else 'off'}; "
          f"{args.requests} requests per page")
    print(f"{'page':16} {'url':52} {'status':>6} {'queries':>7} {'max q':>5} {'p50 ms':>7} {'p95 ms':>7} {'cpu ms':>6} {'KB':>6}  aim")
    over = []
    for label, url in urls.items():
        if url is None:
            print(f"{label:16} {'(not in the demo content)':52}")
            continue
        r = measure(client, url, args.requests)
        ok = r["status"] == 200 and r["max_queries"] <= AIM_QUERIES and r["p50"] <= AIM_P50_MS
        if not ok:
            over.append(label)
        print(f"{label:16} {url[:52]:52} {r['status']:>6} {r['queries']:>7g} {r['max_queries']:>5} {r['p50']:>7.1f} "
              f"{r['p95']:>7.1f} {r['cpu_p50']:>6.1f} {r['kb']:>6.1f}  {'ok' if ok else 'OVER'} {r['page_cache']}", flush=True)
    print(f"aim: <= {AIM_QUERIES} queries and p50 <= {AIM_P50_MS:g} ms per page; "
          + (f"over the aim: {', '.join(over)}" if over else "all pages within the aim"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
