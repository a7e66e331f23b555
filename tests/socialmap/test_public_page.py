"""The social map page: list, facets, near me, pagination, URL state and bad input."""

import re

import pytest

from tests.socialmap.factories import FacilityFactory, LocationFactory, area

pytestmark = pytest.mark.django_db


def result_names(response):
    html = response.content.decode()
    block = html.split('class="dichtbij-results"', 1)[1].split("</ol>", 1)[0] if 'class="dichtbij-results"' in html else ""
    return re.findall(r'<h3 class="utrecht-heading-3 dichtbij-result__title"><a class="utrecht-link" href="[^"]+">([^<]+)</a>', block)


def test_social_map_page_lists_live_facilities_with_organisation_address_and_tags(client, map_page):
    FacilityFactory(name="Inloop Emmerhout", organisation__name="Sedna", terms=[("levensdomein", "meedoen-ontmoeten"), ("kosten", "gratis")])
    FacilityFactory(name="Verborgen concept", live=False)
    response = client.get(map_page.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert result_names(response) == ["Inloop Emmerhout"]
    assert "Sedna" in html
    assert "Marktplein" in html and "7811 AB" in html
    assert "Gratis" in html
    assert '<ol class="dichtbij-results" start="1">' in html
    assert 'id="results-count" role="status"' in html
    assert "1 resultaat" in html


def test_filters_are_or_within_a_group_and_and_across_groups(client, map_page):
    FacilityFactory(name="A wonen gratis", terms=[("levensdomein", "wonen"), ("kosten", "gratis")])
    FacilityFactory(name="B vervoer gratis", terms=[("levensdomein", "vervoer"), ("kosten", "gratis")])
    FacilityFactory(name="C wonen betaald", terms=[("levensdomein", "wonen"), ("kosten", "betaald")])
    FacilityFactory(name="D zorg gratis", terms=[("levensdomein", "zorg-gezondheid"), ("kosten", "gratis")])
    response = client.get(map_page.url, {"levensdomein": ["wonen", "vervoer"]})
    assert result_names(response) == ["A wonen gratis", "B vervoer gratis", "C wonen betaald"]
    response = client.get(map_page.url, {"levensdomein": ["wonen", "vervoer"], "kosten": "gratis"})
    assert result_names(response) == ["A wonen gratis", "B vervoer gratis"]


def test_facet_counts_are_shown_and_ticked_boxes_stay_checked(client, map_page):
    FacilityFactory(name="A", terms=[("levensdomein", "wonen"), ("kosten", "gratis")])
    FacilityFactory(name="B", terms=[("levensdomein", "vervoer"), ("kosten", "gratis")])
    FacilityFactory(name="C", terms=[("levensdomein", "wonen"), ("kosten", "betaald")])
    html = client.get(map_page.url, {"levensdomein": "wonen"}).content.decode()
    # Counts of the own group ignore its own filter: vervoer still shows 1 while wonen is ticked.
    assert re.search(r'value="wonen" id="facet-levensdomein-wonen" checked>\s*<label[^>]*>Wonen <span class="dichtbij-facet__count">\(2', html)
    assert re.search(r'id="facet-levensdomein-vervoer">\s*<label[^>]*>Vervoer <span class="dichtbij-facet__count">\(1', html)
    # Other groups count within the filter: betaald 1, gratis 1.
    assert re.search(r'id="facet-kosten-gratis">\s*<label[^>]*>Gratis <span class="dichtbij-facet__count">\(1', html)
    assert "<fieldset" in html and "<legend" in html
    assert "Filter verwijderen: Wonen" in html


def test_area_filters_by_gebied_and_wijk(client, map_page):
    emmerhout = area("WK011444")
    FacilityFactory(name="In Emmerhout", locations=[LocationFactory(area=emmerhout)])
    FacilityFactory(name="Elders", locations=[LocationFactory(area=area("WK011401"))])
    assert result_names(client.get(map_page.url, {"wijk": "WK011444"})) == ["In Emmerhout"]
    assert result_names(client.get(map_page.url, {"gebied": emmerhout.parent.slug})) == ["In Emmerhout"]
    # a wijk can also be given by its slug
    assert result_names(client.get(map_page.url, {"wijk": emmerhout.slug})) == ["In Emmerhout"]


def test_text_search_finds_by_name_and_keeps_the_query_in_the_box(client, map_page):
    FacilityFactory(name="Mantelzorgcafe", description="Koffie en een luisterend oor.")
    FacilityFactory(name="Voedselbank", description="Pakketten.")
    response = client.get(map_page.url, {"q": "mantelzorg"})
    assert result_names(response) == ["Mantelzorgcafe"]
    assert 'name="q" value="mantelzorg"' in response.content.decode()


def test_near_postcode_sorts_by_distance_and_radius_limits(client, map_page):
    FacilityFactory(name="Dichtbij", locations=[LocationFactory(postal_code="7811 AB", latitude=52.785, longitude=6.897)])
    FacilityFactory(name="Verder", locations=[LocationFactory(postal_code="7822 XX", latitude=52.80, longitude=6.95)])
    FacilityFactory(name="Ver weg", locations=[LocationFactory(postal_code="7891 ZZ", latitude=52.65, longitude=7.00)])
    response = client.get(map_page.url, {"postcode": "7811ab"})
    assert result_names(response) == ["Dichtbij", "Verder", "Ver weg"]
    html = response.content.decode()
    assert "in de buurt van 7811 AB" in html
    assert re.search(r"\d+ m afstand|\d+,\d km afstand|\d+ km afstand", html)
    response = client.get(map_page.url, {"postcode": "7811 AB", "radius": "5"})
    assert result_names(response) == ["Dichtbij", "Verder"]
    assert '<option value="5" selected>' in response.content.decode()


def test_browser_location_is_used_when_no_postcode_is_given(client, map_page):
    FacilityFactory(name="Noord", locations=[LocationFactory(latitude=52.90, longitude=6.90)])
    FacilityFactory(name="Zuid", locations=[LocationFactory(latitude=52.70, longitude=6.90)])
    response = client.get(map_page.url, {"lat": "52.69", "lng": "6.9", "sort": "distance"})
    assert result_names(response) == ["Zuid", "Noord"]
    assert 'name="lat" id="socialmap-lat" value="52.69000"' in response.content.decode()


def test_unknown_postcode_gives_a_dutch_message_and_keeps_the_query(client, map_page):
    FacilityFactory(name="Iets", locations=[LocationFactory(postal_code="7811 AB")])
    response = client.get(map_page.url, {"postcode": "1234 ZZ", "q": "iets"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Wij kennen postcode 1234 ZZ niet" in html
    assert 'value="1234 ZZ"' in html and 'name="q" value="iets"' in html
    assert result_names(response) == ["Iets"]
    response = client.get(map_page.url, {"postcode": "abc"})
    assert "4 cijfers en 2 letters" in response.content.decode()


def test_postcode_with_four_digits_known_from_our_data_uses_the_wijk_centre(map_page):
    from socialmap.postcode import resolve_postcode

    wijk = area("WK011444")
    LocationFactory(postal_code="7824 AA", area=wijk, latitude=52.77, longitude=6.94)
    assert resolve_postcode("7824 XY") == (wijk.latitude, wijk.longitude)
    assert resolve_postcode("7824 AA") == pytest.approx((52.77, 6.94))
    assert resolve_postcode("9999 AA") is None


def test_pagination_shows_range_page_links_and_rel_prev_next(client, map_page):
    for i in range(23):
        FacilityFactory(name=f"Voorziening {i:02d}")
    response = client.get(map_page.url, {"page": "2", "q": "voorziening"})
    html = response.content.decode()
    assert result_names(response) == [f"Voorziening {i:02d}" for i in range(10, 20)]
    assert "23 resultaten, resultaat 11-20 van 23" in html
    assert '<ol class="dichtbij-results" start="11">' in html
    assert 'rel="prev" href="?q=voorziening"' in html
    assert 'rel="next" href="?q=voorziening&amp;page=3"' in html
    assert 'aria-current="page"><span class="dichtbij-visually-hidden">Pagina </span>2</a>' in html
    assert '<link rel="next" href="?q=voorziening&amp;page=3">' in html


def test_state_lives_in_the_url_and_round_trips(map_page):
    from socialmap.query import parse_map_search
    from django.http import QueryDict

    qd = QueryDict("q=hulp&levensdomein=wonen&levensdomein=vervoer&kosten=gratis&radius=5&sort=name&page=3&lat=52.1&lng=6.5")
    state = parse_map_search(qd)
    again = parse_map_search(QueryDict(state.querystring(page=state.page)[1:]))
    assert again.text == "hulp" and again.filters == {"levensdomein": ["wonen", "vervoer"], "kosten": ["gratis"]}
    assert again.radius_km == 5 and again.sort == "name" and again.page == 3 and again.near == (52.1, 6.5)


@pytest.mark.parametrize(
    "params",
    [
        {"lat": "abc", "lng": "6.9"},
        {"lat": "999", "lng": "-999"},
        {"lat": "nan", "lng": "inf"},
        {"radius": "-5"},
        {"radius": "100000"},
        {"radius": "veel"},
        {"page": "-1"},
        {"page": "99999999999999999999"},
        {"page": "abc"},
        {"page": "50"},
        {"sort": "DROP TABLE"},
        {"levensdomein": ["bestaat-niet", "<script>"]},
        {"wijk": "WK999999"},
        {"q": "x" * 1000},
        {"q": "<script>alert(1)</script>' OR 1=1 --"},
        {"q": "\x00\x01null"},
        {"postcode": "7" * 500},
    ],
)
def test_bad_input_never_gives_a_server_error(client, map_page, params):
    FacilityFactory(name="Altijd zichtbaar")
    response = client.get(map_page.url, params)
    assert response.status_code == 200
    assert "<script>alert(1)" not in response.content.decode()


def test_absurd_radius_and_bad_location_get_a_clear_message(client, map_page):
    FacilityFactory(name="Iets")
    html = client.get(map_page.url, {"postcode": "7811 AB", "radius": "5000"}).content.decode()
    assert "Kies een afstand van hoogstens 100 km" in html
    html = client.get(map_page.url, {"lat": "999", "lng": "6"}).content.decode()
    assert "Wij konden uw locatie niet gebruiken" in html


def test_page_past_the_end_shows_the_last_page(client, map_page):
    for i in range(12):
        FacilityFactory(name=f"V {i:02d}")
    response = client.get(map_page.url, {"page": "9"})
    assert result_names(response) == ["V 10", "V 11"]


def test_no_results_suggests_removing_filters(client, map_page):
    FacilityFactory(name="Wonen", terms=[("levensdomein", "wonen")])
    html = client.get(map_page.url, {"levensdomein": "wonen", "q": "zzzzz"}).content.decode()
    assert "Geen resultaten" in html
    assert "Verwijder de filters en zoek opnieuw" in html
    assert 'href="?q=zzzzz"' in html


def test_page_works_without_javascript_and_has_no_inline_script_or_style(client, map_page):
    FacilityFactory(name="Iets")
    html = client.get(map_page.url).content.decode()
    assert '<form id="socialmap-form"' in html and 'method="get"' in html
    assert "style=" not in html
    assert " onclick=" not in html
    for script in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S):
        attrs, body = script
        assert 'type="application/json"' in attrs or (body.strip() == "" and "src=" in attrs), script
    # the map is hidden until map.js shows it
    assert re.search(r'id="socialmap-map" [^>]*hidden', html)


def test_home_page_search_box_posts_to_the_social_map(client, map_page, home_page):
    html = client.get(home_page.url).content.decode()
    assert f'action="{map_page.url}"' in html
