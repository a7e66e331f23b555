"""Browser tests (Chromium + axe-core) for the community pages: news, events with the registration form
and its errors, area pages, the newsletter subscription: no WCAG 2.1 A/AA violations."""

import pytest

from home.areas import AreaPage
from home.events import EventPage
from home.news import NewsIndexPage, NewsPage
from home.newsletter import NewsletterPage

# The demo content (tests/conftest.py: demo_server) is shared by every browser test.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(serialized_rollback=True)]


def test_news_index_has_no_axe_violations(site, browser_page, assert_accessible):
    index = NewsIndexPage.objects.get(slug="nieuws", depth=3)
    browser_page.goto(site + index.url)
    assert browser_page.locator(".dichtbij-card").count() >= 3
    assert_accessible(browser_page)


def test_news_page_has_no_axe_violations(site, browser_page, assert_accessible):
    page = NewsPage.objects.live().first()
    browser_page.goto(site + page.url)
    assert browser_page.locator("h1").inner_text() == page.title
    assert_accessible(browser_page)


def test_event_index_and_archive_have_no_axe_violations(site, browser_page, assert_accessible):
    browser_page.goto(site + "/activiteiten/")
    assert_accessible(browser_page)
    browser_page.get_by_role("link", name="Activiteiten die geweest zijn").click()
    browser_page.wait_for_load_state()
    assert "archief" in browser_page.url
    assert_accessible(browser_page)


def test_event_page_registration_form_and_its_errors_have_no_axe_violations(site, browser_page, assert_accessible):
    event = EventPage.objects.get(slug="3d-atelier-1")
    browser_page.goto(site + event.url)
    assert_accessible(browser_page)
    # the honeypot is invisible to people
    assert not browser_page.locator("#id_website").is_visible()
    browser_page.get_by_label("Uw naam").fill("Anna de Vries")
    browser_page.get_by_label("Uw e-mailadres").fill("geen-adres")
    browser_page.get_by_role("button", name="Aanmelden").click()
    browser_page.wait_for_load_state()
    assert browser_page.get_by_role("alert").is_visible()
    assert browser_page.get_by_label("Uw naam").input_value() == "Anna de Vries"
    assert_accessible(browser_page)
    browser_page.get_by_label("Uw e-mailadres").fill("anna@example.nl")
    browser_page.get_by_role("button", name="Aanmelden").click()
    browser_page.wait_for_load_state()
    assert "U bent aangemeld" in browser_page.content()
    assert_accessible(browser_page)


def test_area_page_has_no_axe_violations(site, browser_page, assert_accessible):
    page = AreaPage.objects.get(slug="de-velden")
    browser_page.goto(site + page.url)
    assert browser_page.locator("svg.dichtbij-chart").count() >= 1
    assert browser_page.locator("table").count() >= 2
    assert_accessible(browser_page)


def test_area_page_works_without_javascript(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    area = AreaPage.objects.get(slug="de-velden")
    page.goto(site + area.url)
    assert page.locator("#voorzieningen").is_visible()
    assert page.locator("#area-map").is_hidden()
    context.close()


def test_newsletter_page_and_its_errors_have_no_axe_violations(site, browser_page, assert_accessible):
    page = NewsletterPage.objects.get()
    browser_page.goto(site + page.url)
    assert_accessible(browser_page)
    browser_page.get_by_label("Uw e-mailadres").fill("niet@geldig@")
    browser_page.get_by_role("button", name="Inschrijven").click()
    browser_page.wait_for_load_state()
    assert browser_page.get_by_role("alert").is_visible()
    assert_accessible(browser_page)
    browser_page.get_by_label("Uw e-mailadres").fill("lid@example.nl")
    browser_page.get_by_role("button", name="Inschrijven").click()
    browser_page.wait_for_load_state()
    assert "Kijk in uw e-mail" in browser_page.content()
    assert_accessible(browser_page)
