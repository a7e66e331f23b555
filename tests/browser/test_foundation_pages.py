"""Browser tests (Chromium + axe-core): public page types have no WCAG 2.1 A/AA violations and work by keyboard."""

import re
from pathlib import Path

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


def _rgb(hex_colour):
    return "rgb({}, {}, {})".format(*(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)))


def test_the_municipality_colour_replaces_the_example_theme_accent(site, browser_page):
    """The design tokens are the NL Design System example theme, whose accent is violet: on our pages the
    municipality's colour from the theme settings takes its place (buttons, links, breadcrumbs, header)."""
    from wagtail.models import Site

    from home.models import ThemeSettings

    primary = _rgb(ThemeSettings.for_site(Site.objects.get(is_default_site=True)).primary_colour)
    tokens = (Path(__file__).resolve().parents[2] / "site" / "static" / "css" / "nlds-tokens.css").read_text()
    violets = {_rgb(value) for value in re.findall(r"--voorbeeld-kleuren-violet-\d+:(#[0-9a-fA-F]{6})", tokens)}
    assert violets, "the example theme's accent colours are no longer in the tokens: update this test"

    browser_page.goto(site + FormPage.objects.get(slug="contact").url)
    assert "voorbeeld-theme" in browser_page.locator("html").get_attribute("class")
    style = "(el, prop) => getComputedStyle(el)[prop]"
    assert browser_page.get_by_role("button", name="Versturen").evaluate(style, "backgroundColor") == primary
    assert browser_page.locator(".utrecht-breadcrumb-nav__link").first.evaluate(style, "color") == primary
    assert browser_page.locator(".dichtbij-header").evaluate(style, "backgroundColor") == primary
    used = set(browser_page.evaluate("""() => {
        const props = ["color", "backgroundColor", "borderTopColor", "borderBottomColor", "borderLeftColor",
                       "borderRightColor", "outlineColor", "textDecorationColor"];
        return [...document.querySelectorAll("*")].flatMap(el => props.map(p => getComputedStyle(el)[p]));
    }"""))
    assert not used & violets


def test_required_fields_nobody_has_touched_do_not_look_invalid(site, browser_page):
    """The NL Design System styles :invalid, so every required field that is still empty would be drawn as an
    error as soon as the form opens. Our CSS keeps the normal look until the visitor has interacted with the
    field (:user-invalid) or the server marked it (aria-invalid)."""
    browser_page.goto(site + FormPage.objects.get(slug="contact").url)
    borders = browser_page.evaluate("""() => {
        const form = document.querySelector("main form");
        const make = (html) => { const box = document.createElement("div"); box.innerHTML = html; form.append(box); return box.firstChild; };
        const kinds = {
            textarea: ['<textarea class="utrecht-textarea utrecht-textarea--html-textarea"></textarea>'],
            radio: ['<input type="radio" name="r" class="utrecht-radio-button utrecht-radio-button--html-input">'],
        };
        const colour = (el) => getComputedStyle(el).borderBottomColor + " " + getComputedStyle(el).borderBottomWidth;
        const out = {};
        for (const [kind, [html]] of Object.entries(kinds)) {
            const optional = make(html), required = make(html);
            required.required = true;
            if (kind === "radio") { optional.name = "other"; }
            const untouched = colour(required);
            required.setAttribute("aria-invalid", "true");
            out[kind] = {optional: colour(optional), untouched, marked: colour(required), invalid: !required.checkValidity()};
        }
        return out;
    }""")
    for kind, seen in borders.items():
        assert seen["invalid"], kind
        assert seen["untouched"] == seen["optional"], f"a required, untouched {kind} looks different: {seen}"
        assert seen["marked"] != seen["optional"], f"a {kind} the server marked invalid looks normal: {seen}"


def test_the_footer_prints_dark_on_paper(site, browser_page):
    """Browsers do not print background colours, so the footer's white-on-colour text must turn dark in print."""
    browser_page.emulate_media(media="print")
    browser_page.goto(site + "/")
    style = "(el, prop) => getComputedStyle(el)[prop]"
    footer = browser_page.locator(".dichtbij-footer")
    assert footer.evaluate(style, "backgroundColor") in {"rgba(0, 0, 0, 0)", "transparent"}
    for element in [footer.locator("h2").first, footer.locator("a").first, footer.locator("p").first]:
        assert element.evaluate(style, "color") == "rgb(0, 0, 0)"


def test_the_error_summary_reads_top_to_bottom_on_a_phone(site, browser_page):
    """The alert component lays out its children in a row; the summary's heading and its list of errors
    must stand one under the other, each as wide as the box."""
    browser_page.set_viewport_size({"width": 390, "height": 800})
    browser_page.goto(site + FormPage.objects.get(slug="contact").url)
    browser_page.get_by_role("button", name="Versturen").click()
    summary = browser_page.locator("#error-summary")
    heading, errors = summary.locator("h2").bounding_box(), summary.locator("ul").bounding_box()
    assert errors["y"] >= heading["y"] + heading["height"]
    assert heading["width"] > 0.6 * summary.bounding_box()["width"]
