"""Browser tests (Chromium + axe-core): public page types have no WCAG 2.1 A/AA violations and work by keyboard."""

import pytest

from home.models import ContentPage, FormPage

# The demo content (tests/conftest.py: demo_server) is shared by every browser test.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(serialized_rollback=True)]


def test_home_page_has_no_axe_violations(site, browser_page, assert_accessible):
    browser_page.goto(site + "/")
    assert_accessible(browser_page)


def test_content_page_with_every_block_has_no_axe_violations(site, browser_page, assert_accessible):
    page = ContentPage.objects.get(slug="toegangsteam")
    browser_page.goto(site + page.url)
    assert browser_page.locator("details").count() > 0
    assert_accessible(browser_page)


def test_form_page_and_its_errors_have_no_axe_violations(site, browser_page, assert_accessible):
    page = FormPage.objects.get(slug="contact")
    browser_page.goto(site + page.url)
    assert_accessible(browser_page)
    browser_page.get_by_role("button", name="Versturen").click()
    assert browser_page.get_by_role("alert").is_visible()
    assert_accessible(browser_page)


def test_not_found_page_has_no_axe_violations(site, browser_page, assert_accessible):
    browser_page.goto(site + "/bestaat-niet/")
    assert_accessible(browser_page)


def test_english_interface_has_no_axe_violations(site, browser_page, assert_accessible):
    browser_page.goto(site + "/mantelzorg/")
    browser_page.get_by_role("link", name="English").click()
    browser_page.wait_for_load_state()
    assert browser_page.locator("html").get_attribute("lang") == "en"
    assert_accessible(browser_page)


def test_skip_link_is_first_and_moves_focus_to_main_content(site, browser_page):
    browser_page.goto(site + "/mantelzorg/")
    browser_page.keyboard.press("Tab")
    focused = browser_page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Ga naar de inhoud"
    browser_page.keyboard.press("Enter")
    assert browser_page.evaluate("document.activeElement.id") == "main"


def test_main_navigation_works_by_keyboard_alone(site, browser_page):
    browser_page.goto(site + "/")
    # Tab through the page until the focus reaches the 'Mantelzorg' menu item, then follow it with Enter.
    for _ in range(30):
        browser_page.keyboard.press("Tab")
        info = browser_page.evaluate(
            "({text: document.activeElement.textContent.trim(), nav: !!document.activeElement.closest('nav.dichtbij-nav')})"
        )
        if info["nav"] and info["text"] == "Mantelzorg":
            break
    else:
        pytest.fail("the menu item was not reachable by keyboard")
    browser_page.keyboard.press("Enter")
    browser_page.wait_for_url("**/mantelzorg/")
    assert browser_page.locator("h1").inner_text() == "Mantelzorg"


def test_pages_work_without_javascript(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/")
    page.get_by_label("Waar zoekt u hulp bij?").fill("mantelzorg")
    page.get_by_role("button", name="Zoeken").click()
    page.wait_for_load_state()
    assert "mantelzorg" in page.url
    context.close()
