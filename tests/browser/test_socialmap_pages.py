"""Browser tests for the social map (Chromium + axe-core): no WCAG 2.1 A/AA violations, filters by keyboard,
everything works without JavaScript, and the map (an enhancement) stays in sync with the list."""

import re

import pytest

# Own data rather than the shared demo (exact counts matter here); these run after the shared-demo browser tests.
# serialized_rollback: pytest-django keeps the copy of the migrated state (groups, taxonomy, areas, root page)
# only when a selected test asks for it; without it, run alone, the restore in `site` had nothing to restore.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def ensure_tree_root():
    """Transactional tests flush the tables after each test, the Wagtail root page (made by a migration) included."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Locale, Page

    if Page.get_first_root_node() is None:
        Locale.objects.get_or_create(language_code="nl")
        Page.add_root(instance=Page(title="Root", slug="root", content_type=ContentType.objects.get_for_model(Page)))


@pytest.fixture
def site(transactional_db, live_server):
    """Taxonomy and areas (transactional tests flush what migrations loaded), a social map page and 25 facilities."""
    from socialmap import areas, taxonomy
    from socialmap.models import Area, TaxonomyTerm
    from tests.factories import make_home_page
    from tests.socialmap.factories import FacilityFactory, LocationFactory, make_social_map_page

    from tests.conftest import _restore_migrated_database

    _restore_migrated_database()  # start without the shared demo content
    ensure_tree_root()
    home_page = make_home_page()

    for group, terms in taxonomy.TAXONOMY_TERMS.items():
        for order, (code, name) in enumerate(terms):
            TaxonomyTerm.objects.update_or_create(taxonomy=group, code=code, defaults={"name": name, "sort_order": order})
    areas.load_areas(Area)
    emmerhout = Area.objects.get(cbs_code="WK011444")
    page = make_social_map_page(home_page)
    for i in range(22):
        FacilityFactory(
            name=f"Wonen en zorg {i:02d}",
            terms=[("levensdomein", "wonen"), ("doelgroep", "ouderen"), ("kosten", "gratis")],
            locations=[LocationFactory(area=emmerhout, latitude=52.77 + i * 0.002, longitude=6.93 + i * 0.002)],
        )
    FacilityFactory(
        name="Mantelzorgsteunpunt",
        slug="mantelzorgsteunpunt",
        terms=[("levensdomein", "mantelzorg-vrijwilligers"), ("doelgroep", "mantelzorgers")],
        phones=["0591 68 55 00"],
        languages=["nl", "en"],
    )
    FacilityFactory(name="Taxi op maat", terms=[("levensdomein", "vervoer")])
    return {"url": live_server.url, "page": page}


@pytest.fixture
def offline(browser_page):
    """Map tiles come from the internet, which tests cannot reach: refuse them at once (the page must not care)."""
    browser_page.route(re.compile(r"^https?://(?!localhost|127\.0\.0\.1).*"), lambda route: route.abort())
    return browser_page


def test_social_map_with_filters_ticked_and_results_has_no_axe_violations(site, offline, assert_accessible):
    page = offline
    page.goto(site["url"] + "/sociale-kaart/?levensdomein=wonen&doelgroep=ouderen&postcode=7811+AB")
    assert page.locator(".dichtbij-result").count() == 10
    assert "22 resultaten" in page.locator("#results-count").inner_text()
    page.wait_for_selector(".dichtbij-map-marker, .dichtbij-map-cluster")
    assert_accessible(page)


def test_no_results_and_bad_postcode_have_no_axe_violations(site, offline, assert_accessible):
    page = offline
    page.goto(site["url"] + "/sociale-kaart/?q=bestaatnietxyz&postcode=12")
    assert page.get_by_role("alert").is_visible()
    assert "Geen resultaten" in page.locator("#results-count").inner_text()
    assert_accessible(page)


def test_detail_page_has_no_axe_violations(site, offline, assert_accessible):
    page = offline
    page.goto(site["url"] + "/sociale-kaart/mantelzorgsteunpunt/")
    assert page.locator("h1").inner_text() == "Mantelzorgsteunpunt"
    assert page.get_by_role("button", name="Afdrukken").is_visible()  # shown by JavaScript only
    assert_accessible(page)


def test_report_form_with_errors_has_no_axe_violations_and_keeps_the_text(site, offline, assert_accessible):
    page = offline
    page.goto(site["url"] + "/sociale-kaart/mantelzorgsteunpunt/")
    page.get_by_role("link", name='Meld een fout in "Mantelzorgsteunpunt"').click()
    page.wait_for_load_state()
    page.get_by_label("Wat klopt er niet of is verouderd?").fill("Het telefoonnummer klopt niet")
    page.get_by_label("Uw e-mailadres").fill("geen-adres")
    page.get_by_role("button", name="Melding versturen").click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").is_visible()
    assert page.get_by_label("Wat klopt er niet of is verouderd?").input_value() == "Het telefoonnummer klopt niet"
    assert_accessible(page)
    page.get_by_label("Uw e-mailadres").fill("")
    page.get_by_role("button", name="Melding versturen").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Bedankt voor uw melding"
    assert_accessible(page)


def test_filters_work_by_keyboard_alone(site, offline):
    page = offline
    page.goto(site["url"] + "/sociale-kaart/")
    page.locator("#socialmap-q").focus()
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "facet-levensdomein-vervoer":
            break
    else:
        pytest.fail("the 'Vervoer' filter was not reachable by keyboard")
    page.keyboard.press("Space")
    assert page.locator("#facet-levensdomein-vervoer").is_checked()
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Resultaten tonen":
            break
    else:
        pytest.fail("the 'Resultaten tonen' button was not reachable by keyboard")
    page.keyboard.press("Enter")
    page.wait_for_url("**levensdomein=vervoer**")
    assert page.locator(".dichtbij-result h3").all_inner_texts() == ["Taxi op maat"]
    assert page.locator("#facet-levensdomein-vervoer").is_checked()


def test_social_map_works_without_javascript(browser, site):
    context = browser.new_context(java_script_enabled=False, locale="nl-NL")
    page = context.new_page()
    page.goto(site["url"] + "/sociale-kaart/")
    assert page.locator("#socialmap-map").is_hidden()  # the map needs JavaScript; the list does not
    page.get_by_label("Waar zoekt u hulp bij?").fill("wonen")
    page.get_by_label(re.compile(r"^Ouderen")).check()
    page.get_by_role("button", name="Zoeken").click()
    page.wait_for_load_state()
    assert "q=wonen" in page.url and "doelgroep=ouderen" in page.url
    assert page.locator(".dichtbij-result").count() == 10
    page.get_by_role("link", name=re.compile("Volgende")).click()
    page.wait_for_load_state()
    assert "page=2" in page.url
    assert page.locator(".dichtbij-result").count() == 10
    assert "resultaat 11-20 van 22" in page.locator("#results-count").inner_text()
    page.go_back()
    assert "page=2" not in page.url
    page.locator(".dichtbij-result a").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().startswith("Wonen en zorg")
    assert page.get_by_role("button", name="Afdrukken").is_hidden()
    context.close()


def settle(page):
    """Let the map finish fitting to the results and reloading for the new viewport."""
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(700)
    page.wait_for_load_state("networkidle")


def test_map_shows_the_same_results_and_a_marker_focuses_its_list_item(site, offline):
    page = offline
    page.goto(site["url"] + "/sociale-kaart/?levensdomein=vervoer&levensdomein=mantelzorg-vrijwilligers")
    page.wait_for_selector(".dichtbij-map-marker, .dichtbij-map-cluster")
    status = page.locator("[data-map-status]")
    page.wait_for_function("document.querySelector('[data-map-status]').textContent.includes('2')")
    assert "De kaart toont 2 resultaten" in status.inner_text()
    # Both facilities sit at the same default position: one cluster listing both; the list shows the same two.
    assert page.locator(".dichtbij-result").count() == 2
    settle(page)
    marker = page.locator(".dichtbij-map-cluster").first
    assert marker.get_attribute("role") == "button"
    marker.focus()
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup-content a")
    popup.first.wait_for()
    assert sorted(popup.all_inner_texts()) == ["Mantelzorgsteunpunt", "Taxi op maat"]


def test_clicking_a_single_marker_focuses_the_list_item(site, offline):
    page = offline
    page.goto(site["url"] + "/sociale-kaart/?levensdomein=wonen")
    page.wait_for_selector(".dichtbij-map-marker, .dichtbij-map-cluster")
    settle(page)
    # zoom in until single markers appear
    for _ in range(6):
        if page.locator(".dichtbij-map-marker").count():
            break
        page.locator(".leaflet-control-zoom-in").click()
        settle(page)
    marker = page.locator(".dichtbij-map-marker").first
    label = marker.get_attribute("aria-label")
    marker.focus()
    page.keyboard.press("Enter")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    if page.locator(f".dichtbij-result h3:has-text('{label}')").count():
        assert focused == label
    else:  # the facility is on another page of the list: the marker opens a link to it
        assert page.locator(".leaflet-popup-content a", has_text=label).count() == 1
