"""The facility page: content, opening hours in plain Dutch, JSON-LD, breadcrumbs, canonical, 404s."""

import datetime
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from socialmap.models import Area, Facility, TaxonomyTerm
from socialmap.public import describe_days, describe_opening_hours, format_distance, jsonld_script
from tests.socialmap.factories import FacilityFactory, LocationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def facility(map_page):
    return FacilityFactory(
        name="Mantelzorgsteunpunt Emmen",
        slug="mantelzorgsteunpunt-emmen",
        organisation__name="Welzijnsgroep Sedna",
        description="Advies en steun voor mantelzorgers.",
        eligibility_description="Voor iedereen die zorgt voor een naaste.",
        fees_description="Gratis.",
        application_process="Bel of loop binnen.",
        languages=["nl", "en", "ar"],
        phones=["0591 - 68 55 00"],
        terms=[("levensdomein", "mantelzorg-vrijwilligers"), ("doelgroep", "mantelzorgers"), ("kosten", "gratis"), ("toegang", "vrij-toegankelijk")],
        locations=[LocationFactory(name="Wijkcentrum De Kaap", address_1="Houtweg 2", postal_code="7823 PT", city="Emmen",
                                   wheelchair_accessible=True, transport_note="Bus 7, halte Houtweg")],
        last_verified=datetime.date(2026, 10, 1),
    )


def test_detail_page_shows_everything_about_the_facility(client, map_page, facility):
    response = client.get(map_page.url + "mantelzorgsteunpunt-emmen/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        "<h1 class=\"utrecht-heading-1\">Mantelzorgsteunpunt Emmen</h1>",
        "Aangeboden door Welzijnsgroep Sedna",
        "Advies en steun voor mantelzorgers.",
        "Voor iedereen die zorgt voor een naaste.",
        "Bel of loop binnen.",
        "Houtweg 2",
        "7823 PT Emmen",
        "Maandag tot en met vrijdag 8.30 - 17.00 uur",
        "Toegankelijk met een rolstoel",
        "Openbaar vervoer: Bus 7, halte Houtweg",
        'href="tel:0591685500"',
        'href="mailto:info@voorziening.example.nl"',
        'href="https://voorziening.example.nl"',
        "https://www.openstreetmap.org/directions?to=Houtweg+2%2C+7823+PT+Emmen",
        "Laatst gecontroleerd op 1 oktober 2026",
        "Nederlands",
        "Mantelzorgers",
        'data-print hidden>Afdrukken</button>',
    ]:
        assert text in html, text
    assert '<link rel="canonical" href="http://testserver/sociale-kaart/mantelzorgsteunpunt-emmen/">' in html
    assert '<meta property="og:url" content="http://testserver/sociale-kaart/mantelzorgsteunpunt-emmen/">' in html
    assert '<meta property="og:title" content="Mantelzorgsteunpunt Emmen">' in html
    assert '<meta property="og:description" content="Advies en steun voor mantelzorgers.">' in html
    # breadcrumbs: home > sociale kaart > facility
    crumbs = re.findall(r'utrecht-breadcrumb-nav__link[^"]*" href="([^"]+)"', html)
    assert crumbs == ["/", "/sociale-kaart/", "/sociale-kaart/mantelzorgsteunpunt-emmen/"]
    assert "style=" not in html


def test_json_ld_is_valid_schema_org_service(client, map_page, facility):
    html = client.get(map_page.url + "mantelzorgsteunpunt-emmen/").content.decode()
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    data = json.loads(blocks[0])
    assert data["@context"] == "https://schema.org" and data["@type"] == "Service"
    assert data["name"] == "Mantelzorgsteunpunt Emmen"
    assert data["provider"]["name"] == "Welzijnsgroep Sedna"
    assert data["isAccessibleForFree"] is True
    place = data["availableChannel"][0]["serviceLocation"]
    assert place["address"]["postalCode"] == "7823 PT"
    assert place["geo"]["latitude"] == 52.785
    hours = place["openingHoursSpecification"][0]
    assert hours["dayOfWeek"][0] == "https://schema.org/Monday" and hours["opens"] == "08:30" and hours["closes"] == "17:00"
    assert data["url"] == "http://testserver/sociale-kaart/mantelzorgsteunpunt-emmen/"


def test_json_ld_cannot_break_out_of_its_script_element():
    html = jsonld_script({"name": "</script><script>alert(1)</script> & co"})
    assert html.count("</script>") == 1
    assert json.loads(html[len('<script type="application/ld+json">'):-len("</script>")])["name"].startswith("</script>")


@pytest.mark.parametrize(
    "change",
    [{"live": False}, {"status": Facility.INACTIVE}, {"status": Facility.DEFUNCT}],
)
def test_draft_or_inactive_facility_gives_404(client, map_page, facility, change):
    Facility.objects.filter(pk=facility.pk).update(**change)
    assert client.get(map_page.url + "mantelzorgsteunpunt-emmen/").status_code == 404
    assert client.get(map_page.url + "mantelzorgsteunpunt-emmen/meld-een-fout/").status_code == 404


def test_unknown_facility_gives_404(client, map_page):
    assert client.get(map_page.url + "bestaat-niet/").status_code == 404


def test_detail_page_uses_a_bounded_number_of_queries(client, map_page, facility):
    client.get(map_page.url + "mantelzorgsteunpunt-emmen/")  # warm caches (site, settings)
    with CaptureQueriesContext(connection) as small:
        client.get(map_page.url + "mantelzorgsteunpunt-emmen/")
    FacilityFactory(slug="groot", locations=[LocationFactory() for _ in range(5)], phones=["1", "2", "3"],
                    terms=[("levensdomein", "wonen"), ("levensdomein", "vervoer"), ("doelgroep", "ouderen")])
    client.get(map_page.url + "groot/")
    with CaptureQueriesContext(connection) as big:
        client.get(map_page.url + "groot/")
    assert len(big) == len(small)
    # 3 for the facility (facility with organisation; terms, areas and phones together; locations), 7 for Wagtail
    # and the site shell (site, routing, view restrictions, theme, menu): the aim of issue 3 is at most 10.
    assert len(small) <= 10


def test_small_relations_come_from_one_query_and_match_the_database(map_page, facility):
    from socialmap.public import get_public_facility

    facility.areas_served.add(Area.objects.filter(kind="wijk").first())
    facility.save()
    with CaptureQueriesContext(connection) as queries:
        loaded = get_public_facility("mantelzorgsteunpunt-emmen")
        terms, areas, phones = list(loaded.terms.all()), list(loaded.areas_served.all()), list(loaded.phones.all())
    assert len(queries) == 3
    assert [(t.pk, t.code, t.name) for t in terms] == [(t.pk, t.code, t.name) for t in TaxonomyTerm.objects.filter(facilities=facility)]
    assert [a.name for a in areas] == [a.name for a in facility.areas_served.all()] and len(areas) == 1
    assert [(p.number, p.description) for p in phones] == [("0591 - 68 55 00", "")]
    # a further filter on a loaded relation still asks the database for this facility's rows only
    assert list(loaded.terms.filter(taxonomy="kosten").values_list("code", flat=True)) == ["gratis"]


@pytest.mark.parametrize("on", ["page", "ancestor"])
def test_view_restrictions_of_the_map_page_and_its_ancestors_guard_facility_pages(client, map_page, facility, on):
    from wagtail.models import Page, PageViewRestriction

    assert client.get(map_page.url + "mantelzorgsteunpunt-emmen/").status_code == 200
    target = map_page if on == "page" else map_page.get_parent()
    PageViewRestriction.objects.create(page=target, restriction_type=PageViewRestriction.LOGIN)
    # the same restrictions as Wagtail's own (two-query) lookup finds
    assert set(map_page.get_view_restrictions()) == set(Page.get_view_restrictions(map_page))
    response = client.get(map_page.url + "mantelzorgsteunpunt-emmen/")
    assert response.status_code == 302 and "login" in response.url
    assert client.get(map_page.url + "geojson/").status_code == 302


def test_opening_hours_read_as_plain_dutch():
    assert describe_days(["MO", "TU", "WE", "TH", "FR"]) == "maandag tot en met vrijdag"
    assert describe_days(["MO", "WE", "FR"]) == "maandag, woensdag en vrijdag"
    assert describe_days(["SA", "SU"]) == "zaterdag en zondag"
    assert describe_days(["MO", "TU", "WE", "FR"]) == "maandag tot en met woensdag en vrijdag"

    class Block:
        def __init__(self, **value):
            self.value = value

    lines = describe_opening_hours([
        Block(days=["MO", "TU", "WE", "TH", "FR"], opens_at=datetime.time(8, 30), closes_at=datetime.time(17, 0), note=""),
        Block(days=["SA"], opens_at=datetime.time(10, 0), closes_at=None, note="alleen op afspraak"),
    ])
    assert lines == ["maandag tot en met vrijdag 8.30 - 17.00 uur", "zaterdag vanaf 10.00 uur (alleen op afspraak)"]


def test_distances_are_written_the_dutch_way():
    assert format_distance(0.347) == "350 m"
    assert format_distance(1.26) == "1,3 km"
    assert format_distance(12.4) == "12 km"
