"""Browser test of the public page behind the periodic-check link: no axe violations, before and after an error."""

import json
from pathlib import Path

import pytest
from django.urls import reverse

from socialmap import hsds, review
from socialmap.models import Facility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DATA = Path(__file__).resolve().parent / "data" / "hsds_small.json"


@pytest.fixture
def home_with_theme(db):
    """The home app's demo part (site, theme colours, footer) without the 150 demo facilities."""
    from home import demo as home_demo

    return home_demo.load()


def test_review_page_and_its_errors_have_no_axe_violations(home_with_theme, live_server, browser_page, assert_accessible):
    records = json.loads(DATA.read_text(encoding="utf-8"))[:1]
    assert hsds.import_services(records).ok
    facility = Facility.objects.get(pk=records[0]["id"])
    url = live_server.url + reverse("socialmap:review", kwargs={"token": review.make_token(facility)})

    browser_page.goto(url)
    assert_accessible(browser_page)

    browser_page.get_by_label("E-mail").first.fill("geen-adres")
    browser_page.get_by_role("button", name="Wijzigingen versturen").click()
    browser_page.wait_for_load_state()
    assert browser_page.get_by_role("alert").count() > 0
    assert_accessible(browser_page)

    browser_page.get_by_role("button", name="Alles klopt").click()
    browser_page.wait_for_load_state()
    assert "Bedankt" in browser_page.content()
    assert_accessible(browser_page)
