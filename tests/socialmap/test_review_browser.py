"""Browser test of the public page behind the periodic-check link: no axe violations, before and after an error."""

import pytest
from django.urls import reverse

from socialmap import review
from socialmap.models import Facility

# The demo content (tests/conftest.py: demo_server) is shared by every browser test.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(serialized_rollback=True)]


def test_review_page_and_its_errors_have_no_axe_violations(site, browser_page, assert_accessible):
    from django.db import connection

    if connection.vendor == "sqlite":
        # The test's own transaction has read the facility; SQLite's shared in-memory database then locks that
        # table against the live server's write. CI runs the browser tests on PostgreSQL.
        pytest.skip("needs PostgreSQL: SQLite locks the table the test has read")
    facility = Facility.objects.filter(live=True).order_by("name").first()
    url = site + reverse("socialmap:review", kwargs={"token": review.make_token(facility)})

    browser_page.goto(url)
    assert_accessible(browser_page)

    browser_page.get_by_label("E-mail").first.fill("geen-adres")
    browser_page.get_by_role("button", name="Wijzigingen versturen").click()
    browser_page.wait_for_load_state()
    assert browser_page.get_by_role("alert").count() > 0
    assert_accessible(browser_page)

    browser_page.get_by_role("button", name="Alles klopt").click()
    browser_page.wait_for_load_state()
    assert "U hebt bevestigd dat de informatie over" in browser_page.content()
    assert_accessible(browser_page)
