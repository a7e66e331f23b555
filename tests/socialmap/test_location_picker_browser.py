"""The admin's location picker in a real browser (Chromium): clicking the map fills the coordinate fields,
the address lookup asks PDOK's Locatieserver (a local HTTP server answering in PDOK's documented format,
see test_pdok.Server) and a chosen address sets the pin, and when PDOK fails the admin says so in Dutch and
the editor places the pin by hand. The coordinates are saved with the location's draft."""

import pytest
from django.urls import reverse

from tests.socialmap.test_pdok import PDOK_ANSWER, Server

# Own data (a user the live server must see, so committed: transactional), like the social map's browser
# tests; these run after the browser tests on the shared demo (tests/conftest.py sorts them last).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def editor(transactional_db, live_server, browser_page):
    """A Redacteur logged in to the admin in the browser, and a location without a position."""
    from home.groups import REDACTEUR
    from socialmap.models import Location
    from tests.conftest import _restore_migrated_database
    from tests.factories import UserFactory

    _restore_migrated_database()  # the groups and their permissions come from the migrations
    UserFactory(username="redacteur", groups=[REDACTEUR])
    location = Location.objects.create(name="Wijkcentrum", address_1="Noorderplein 1", postal_code="7811 AX", city="Emmen", live=True)
    browser_page.goto(live_server.url + reverse("wagtailadmin_login"))
    browser_page.fill("input[name=username]", "redacteur")
    browser_page.fill("input[name=password]", "Geheim-wachtwoord-1")
    browser_page.press("input[name=password]", "Enter")
    browser_page.wait_for_url(live_server.url + reverse("wagtailadmin_home"))
    edit_url = live_server.url + reverse("wagtailsnippets_socialmap_location:edit", args=[location.pk])
    browser_page.goto(edit_url)
    browser_page.wait_for_selector(".socialmap-location-picker__map.leaflet-container")
    return {"page": browser_page, "location": location}


def save_draft(page):
    with page.expect_navigation():
        page.locator("button.action-save").first.click()


def test_clicking_the_map_sets_the_coordinates_and_saving_keeps_them(editor, settings):
    page, location = editor["page"], editor["location"]
    assert page.input_value("#id_latitude") == "" and page.input_value("#id_longitude") == ""

    page.locator(".socialmap-location-picker__map").click(position={"x": 120, "y": 80})

    latitude, longitude = float(page.input_value("#id_latitude")), float(page.input_value("#id_longitude"))
    # The map opens on Emmen (LEAFLET_CONFIG's centre, zoom 12): a click near its corner is still there.
    assert 52.6 < latitude < 53.0 and 6.6 < longitude < 7.2
    assert page.locator(".socialmap-location-picker__map .leaflet-marker-icon").count() == 1
    save_draft(page)
    # Locations have drafts: the new position is in the saved revision until it is published.
    content = type(location).objects.get(pk=location.pk).latest_revision.content
    assert (content["latitude"], content["longitude"]) == pytest.approx((latitude, longitude))


def test_address_lookup_asks_pdok_and_the_chosen_address_sets_the_pin(editor, settings):
    page = editor["page"]
    with Server("ok") as pdok:
        settings.PDOK_LOCATIESERVER_URL = pdok.url
        # Empty query field: the picker searches for the address typed in the form.
        page.get_by_role("button", name="Adres zoeken").click()
        choice = page.get_by_role("button", name="Dit adres gebruiken: Noorderplein 1, 7811AX Emmen")
        choice.wait_for()
        assert page.get_by_role("button", name="Dit adres gebruiken: Noorderplein 1A, 7811AX Emmen").count() == 1
        assert "q=Noorderplein+1+7811+AX+Emmen" in pdok.requests[0]
        choice.click()

    first = PDOK_ANSWER["response"]["docs"][0]["centroide_ll"]  # "POINT(lng lat)"
    lng, lat = (float(v) for v in first[first.index("(") + 1:-1].split())
    assert float(page.input_value("#id_latitude")) == pytest.approx(lat)
    assert float(page.input_value("#id_longitude")) == pytest.approx(lng)
    assert page.locator(".socialmap-location-picker__status").inner_text() == "Noorderplein 1, 7811AX Emmen"


def test_when_pdok_fails_the_admin_says_so_and_the_pin_can_be_placed_by_hand(editor, settings):
    page = editor["page"]
    with Server("error") as pdok:
        settings.PDOK_LOCATIESERVER_URL = pdok.url
        page.fill(".socialmap-location-picker__query", "Noorderplein 1 Emmen")
        page.get_by_role("button", name="Adres zoeken").click()
        status = page.locator(".socialmap-location-picker__status")
        status.filter(has_text="De adresdienst (PDOK) is niet bereikbaar").wait_for(timeout=10_000)
        assert pdok.requests, "the lookup went to the (failing) PDOK server"

    assert page.get_by_role("button", name="Dit adres gebruiken", exact=False).count() == 0
    page.locator(".socialmap-location-picker__map").click(position={"x": 200, "y": 150})
    assert page.input_value("#id_latitude") != ""
