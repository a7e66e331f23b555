"""Browser tests: the search page has no axe violations and the autocomplete is a working ARIA combobox."""

import pytest

# The demo content (tests/conftest.py: demo_server) is shared by every browser test.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(serialized_rollback=True)]


def test_search_results_page_has_no_axe_violations(site, browser_page, assert_accessible):
    browser_page.goto(site + "/zoeken/?q=mantelzorg")
    assert browser_page.locator("mark").count() > 0
    assert_accessible(browser_page)


def test_empty_and_junk_search_pages_have_no_axe_violations(site, browser_page, assert_accessible):
    for q in ["", "!!!", "tandarts"]:
        browser_page.goto(site + "/zoeken/?q=" + q)
        assert_accessible(browser_page)


def test_autocomplete_combobox_works_by_keyboard(site, browser_page, assert_accessible):
    browser_page.goto(site + "/zoeken/")
    box = browser_page.locator("#site-search")
    assert box.get_attribute("role") == "combobox"
    assert box.get_attribute("aria-expanded") == "false"
    box.click()
    box.type("mantel")
    listbox = browser_page.get_by_role("listbox")
    listbox.wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    status = browser_page.locator("[role=status][aria-live=polite]")
    assert "suggestie" in status.text_content()
    assert_accessible(browser_page)
    browser_page.keyboard.press("ArrowDown")
    active = box.get_attribute("aria-activedescendant")
    assert active and browser_page.locator(f"#{active}").get_attribute("aria-selected") == "true"
    browser_page.keyboard.press("Escape")
    assert box.get_attribute("aria-expanded") == "false"
    browser_page.keyboard.press("ArrowDown")
    browser_page.keyboard.press("Enter")
    browser_page.wait_for_url("**/zoeken/?q=*")
    assert "mantelzorg" in browser_page.locator("#site-search").input_value().lower()


def test_search_works_without_javascript(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/zoeken/")
    page.fill("#site-search", "mantelzorg")
    page.get_by_role("button", name="Zoeken").click()
    assert "Mantelzorgsteunpunt Emmen" in page.content()
    context.close()
