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

    for connection in connections.all():
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents is not None:
            type(connection)._test_serialized_contents = contents
    yield


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
