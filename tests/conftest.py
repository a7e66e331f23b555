"""Shared fixtures: a site with a home page, users in each group, and a real browser for the browser tests."""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM guard would refuse it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

BASE_DIR = Path(__file__).resolve().parent.parent
AXE_JS = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Make serialized rollback survive Playwright.

    Playwright's sync API runs an event loop in the test thread, and Django's connection handler then hands
    out a fresh connection object per context, without the serialized copy of what migrations created (page
    tree root, groups, taxonomy, areas). Keeping that copy on the connection class lets every transactional
    test restore it.
    """
    from django.db import connections
    from django.db.backends.base.creation import BaseDatabaseCreation

    for connection in connections.all():
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents is not None:
            type(connection)._test_serialized_contents = contents
    # Django's own restore for serialized_rollback=True in the same safe order as _restore_migrated_database:
    # in Django's order a signal re-created a content type under a new id and the restore collided with it.
    if not hasattr(BaseDatabaseCreation, "_restore_without_content_types_first"):
        original = BaseDatabaseCreation.deserialize_db_from_string
        BaseDatabaseCreation._restore_without_content_types_first = original
        BaseDatabaseCreation.deserialize_db_from_string = lambda self, data: _restore_before_test(self.connection, data)
    yield


def pytest_collection_modifyitems(config, items):
    """Browser tests run last, together: they share one database with the demo content (see demo_server),
    which no transactional test may flush in between."""
    def transactional(item):
        marker = item.get_closest_marker("django_db")
        return bool(marker and marker.kwargs.get("transaction"))

    # Browser tests with their own data (transactional: they empty the tables afterwards) come after the ones
    # on the shared demo.
    items.sort(key=lambda item: (item.get_closest_marker("browser") is not None, transactional(item)))


def _restore_migrated_database():
    """Empty every table and put back what the migrations created, as a transactional test does afterwards."""
    from django.core.management import call_command
    from django.db import connections

    for connection in connections.all():
        # Sequences keep counting (as in Django's own teardown): the restored rows keep their ids.
        call_command(
            "flush", database=connection.alias, interactive=False, verbosity=0, inhibit_post_migrate=True, reset_sequences=False
        )
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents:
            _deserialize(connection, contents)


def _restore_before_test(connection, contents):
    """Django's restore at the start of a serialized_rollback test, from an empty database.

    Django expects the tables to be empty then (the previous transactional test flushed them), but the
    browser tests on the shared demo (not transactional) leave the demo behind: its home page holds the
    path the migrated welcome page comes back to. Empty the tables first, as the demo's own teardown would."""
    from django.core.management import call_command

    call_command(
        "flush", database=connection.alias, interactive=False, verbosity=0, inhibit_post_migrate=True, reset_sequences=False
    )
    _deserialize(connection, contents)


def _deserialize(connection, contents):
    """Load the serialized migrated state, content types first and without signals: otherwise a signal handler
    asks for a content type that is not back yet, creates it under a new id, and the restored row collides."""
    import json

    from django.contrib.contenttypes.models import ContentType

    from django.db.backends.base.creation import BaseDatabaseCreation

    rows = json.loads(contents)
    types = [row for row in rows if row["model"] == "contenttypes.contenttype"]
    # ignore_conflicts: when Django restores before a test the tables may still hold the migrated rows
    ContentType.objects.using(connection.alias).bulk_create(
        [ContentType(pk=row["pk"], **row["fields"]) for row in types], ignore_conflicts=True
    )
    ContentType.objects.clear_cache()
    rest = [row for row in rows if row["model"] != "contenttypes.contenttype"]
    load = getattr(BaseDatabaseCreation, "_restore_without_content_types_first", BaseDatabaseCreation.deserialize_db_from_string)
    load(connection.creation, json.dumps(rest))


@pytest.fixture(scope="session")
def demo_server(django_db_setup, django_db_blocker):
    """The demo content, loaded once and served by a live server for every browser test.

    Loading the demo for each browser test cost minutes per test. The browser tests run last (see
    pytest_collection_modifyitems) and share this database: they may add to it (an application, a
    registration) but must not depend on what another browser test did. pytest-django's own live_server
    makes every test transactional, which would flush the demo after each one; this server does not.
    Afterwards the database is put back as the migrations left it, so a reused test database stays clean.
    Browser modules still carry django_db(serialized_rollback=True): that makes pytest-django create the test
    database (and keep the copy of the migrated state used here) even when only browser tests are selected,
    and it rolls back what a test itself writes.
    """
    from django.core.management import call_command
    from pytest_django.live_server_helper import LiveServer

    django_db_blocker.unblock()
    server = None
    try:
        # A transactional test that ran before leaves the tables empty (Django restores the migrated data at
        # the start of the next such test, not at the end); start from the migrated state.
        _restore_migrated_database()
        call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))
        server = LiveServer(os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS", "localhost"))
        server._live_server_modified_settings.enable()
        yield server.url
    finally:
        if server is not None:
            server._live_server_modified_settings.disable()
            server.stop()
        _restore_migrated_database()
        django_db_blocker.restore()


@pytest.fixture
def site(demo_server):
    """The base URL of the live demo site, with a fresh cache (browser tests share one database)."""
    from django.core.cache import cache

    cache.clear()
    return demo_server


@pytest.fixture
def home_page(db):
    from tests.factories import make_home_page

    return make_home_page()


@pytest.fixture
def demo_site(db):
    """The full demo content, as `make run` loads it."""
    from django.core.management import call_command

    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))
    from home.models import HomePage

    return HomePage.objects.get()


def _chromium_path():
    candidates = [os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium")]
    return next((c for c in candidates if c and os.path.exists(c)), None)


@pytest.fixture(scope="session")
def browser():
    path = _chromium_path()
    if path is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("chromium is missing on CI: browser tests must run there")
        pytest.skip("chromium not installed: browser tests skipped (make test installs it when run as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=path,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def browser_page(browser):
    # bypass_csp lets the test inject axe-core; the site's own CSP is tested separately.
    context = browser.new_context(bypass_csp=True, locale="nl-NL")
    page = context.new_page()
    yield page
    context.close()


def run_axe(page):
    """Run axe-core on the current page for WCAG 2.1 A and AA; returns the violations."""
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return result["violations"]


def format_violations(violations):
    lines = []
    for v in violations:
        targets = ", ".join(str(n["target"]) for n in v["nodes"][:5])
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} -> {targets}")
    return "\n".join(lines)


@pytest.fixture
def assert_accessible():
    def check(page):
        violations = run_axe(page)
        assert violations == [], "axe found WCAG 2.1 A/AA violations:\n" + format_violations(violations)

    return check


@pytest.fixture(autouse=True)
def _search_engine_breaker_closed():
    """A test that made the search engine fail must not make the next test skip it (search.breaker)."""
    from search import breaker

    breaker.reset()
    yield
    breaker.reset()
