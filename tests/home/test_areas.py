"""Area pages: figures as chart and table, agenda, team, and what comes automatically: facilities from the
social map with the boundary for the map, funded initiatives (when that app has them), events and news."""

import json
import re

import pytest

from home.areas import area_page_content, chart_bars
from home.community import area_boundary_geojson, facilities_in_area, funded_initiatives_in_area
from tests.home.community_factories import make_area_index, make_area_page, make_event, make_event_index, make_news, make_news_index

pytestmark = pytest.mark.django_db

FIGURES = [
    ("figures", {"title": "Inwoners naar leeftijd", "unit": "inwoners", "source": "CBS", "rows": [
        {"label": "0 tot 18 jaar", "value": "250"}, {"label": "65 jaar en ouder", "value": "1000"}]}),
]
AGENDA = [("goal", {"goal": "Minder eenzaamheid", "description": "", "actions": [
    {"action": "Koffieochtend", "status": "ongoing", "owner": "Dorpshuis"}]})]
TEAM = [("member", {"name": "Fatima de Boer", "role": "Wijkcoach", "organisation": "", "phone": "14 0591", "email": "f@example.nl"})]


@pytest.fixture
def areas():
    from socialmap.models import Area

    return {a.slug: a for a in Area.objects.all()}


@pytest.fixture
def facility_in(areas):
    from socialmap.models import Facility, Location, Organisation, ServiceAtLocation

    def make(wijk, name, live=True):
        org = Organisation.objects.create(name=f"Org {name}")
        loc = Location.objects.create(name=f"Plek {name}", city="Emmen", area=wijk, latitude=wijk.latitude, longitude=wijk.longitude)
        facility = Facility.objects.create(organisation=org, name=name, description="Hulp.", live=live)
        ServiceAtLocation.objects.create(facility=facility, location=loc)
        return facility

    return make


@pytest.fixture
def area_page(home_page, areas):
    return make_area_page(make_area_index(home_page), areas["de-velden"], figures=FIGURES, agenda=AGENDA, team=TEAM)


def test_chart_bars_scale_to_the_largest_value():
    bars = chart_bars([{"label": "a", "value": "250"}, {"label": "b", "value": "1000"}, {"label": "c", "value": "0"}])
    assert [b["percent"] for b in bars] == [25.0, 100.0, 0.0]
    assert chart_bars([{"label": "a", "value": "0"}])[0]["percent"] == 0.0


def test_area_page_shows_figures_as_svg_chart_and_table_without_inline_styles(client, area_page):
    html = client.get(area_page.url).content.decode()
    assert 'role="img"' in html and "<svg" in html
    assert 'width="25.0%"' in html and 'width="100.0%"' in html
    assert "<table" in html and "<caption" in html and "65 jaar en ouder" in html
    assert "style=" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html)


def test_area_page_shows_agenda_with_status_and_owner_and_the_team(client, area_page):
    html = client.get(area_page.url).content.decode()
    assert "Minder eenzaamheid" in html and "Koffieochtend" in html and "bezig" in html and "Dorpshuis" in html
    assert "Fatima de Boer" in html and 'href="mailto:f@example.nl"' in html


def test_facilities_in_a_gebied_come_from_the_social_map(client, areas, area_page, facility_in):
    velden_wijk = areas["de-velden"].children.first()
    monden_wijk = areas["de-monden"].children.first()
    facility_in(velden_wijk, "Koffiepunt Velden")
    facility_in(monden_wijk, "Koffiepunt Monden")
    facility_in(velden_wijk, "Concept voorziening", live=False)
    names = [h.facility.name for h in facilities_in_area(areas["de-velden"])]
    assert names == ["Koffiepunt Velden"]
    assert [h.facility.name for h in facilities_in_area(velden_wijk)] == ["Koffiepunt Velden"]
    html = client.get(area_page.url).content.decode()
    assert "Koffiepunt Velden" in html and "Koffiepunt Monden" not in html and "Concept voorziening" not in html


def test_boundary_and_facility_points_reach_the_map_through_json_script(client, areas, area_page, facility_in):
    facility_in(areas["de-velden"].children.first(), "Buurthuis")
    geojson = area_boundary_geojson(areas["de-velden"])
    assert geojson["type"] == "FeatureCollection"
    assert len(geojson["features"]) == areas["de-velden"].children.count()
    html = client.get(area_page.url).content.decode()
    boundary = json.loads(re.search(r'<script id="area-boundary" type="application/json">(.*?)</script>', html, re.S).group(1))
    points = json.loads(re.search(r'<script id="area-facilities" type="application/json">(.*?)</script>', html, re.S).group(1))
    assert boundary == geojson
    assert points[0]["name"] == "Buurthuis"
    assert "vendor/leaflet/dist/leaflet.js" in html and "home/area-map.js" in html


def test_area_page_lists_upcoming_events_and_latest_news_of_the_area(client, home_page, areas, area_page):
    events = make_event_index(home_page, show_all_events=True)
    make_event(events, "in-de-velden", area=areas["de-velden"])
    make_event(events, "in-de-monden", area=areas["de-monden"])
    make_event(events, "voorbij-velden", area=areas["de-velden"], days_ahead=-5)
    section = make_news_index(area_page)
    make_news(section, "sectienieuws")
    content = area_page_content(area_page)
    assert [e.slug for e in content["area_events"]] == ["in-de-velden"]
    assert [n.slug for n in content["area_news"]] == ["sectienieuws"]
    assert content["news_index"].pk == section.pk
    html = client.get(area_page.url).content.decode()
    assert "In de velden" in html and "In de monden" not in html and "Sectienieuws" in html


def test_funded_initiatives_are_empty_and_harmless_without_the_initiatives_models(areas):
    # The initiatives app is built separately; until it has models the area page shows no section.
    result = funded_initiatives_in_area(areas["de-velden"])
    assert isinstance(result, list)
    assert funded_initiatives_in_area(None) == []


def test_area_index_lists_live_area_pages(client, home_page, areas):
    index = make_area_index(home_page)
    make_area_page(index, areas["de-velden"])
    make_area_page(index, areas["emmen-zuid"])
    html = client.get(index.url).content.decode()
    assert "De Velden" in html and "Emmen Zuid" in html


def test_wijk_page_below_a_gebied_page(client, areas, area_page):
    wijk = areas["de-velden"].children.first()
    sub = make_area_page(area_page, wijk)
    assert sub.url.startswith(area_page.url)
    assert client.get(sub.url).status_code == 200
    assert sub.title in client.get(area_page.url).content.decode()
