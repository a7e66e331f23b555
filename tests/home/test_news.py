"""News: listing, pagination, RSS, area filter, home page highlights."""

import xml.etree.ElementTree as ET
from datetime import date

import pytest

from home.news import news_items
from home.services import community_highlights
from tests.home.community_factories import make_area_index, make_area_page, make_news, make_news_index

pytestmark = pytest.mark.django_db


@pytest.fixture
def index(home_page):
    return make_news_index(home_page, per_page=2)


def test_news_index_lists_live_news_newest_first(client, index):
    make_news(index, "oud", date=date(2026, 1, 1))
    make_news(index, "nieuw", date=date(2026, 3, 1))
    make_news(index, "concept", publish=False, date=date(2026, 4, 1))
    assert [p.slug for p in news_items(index)] == ["nieuw", "oud"]
    response = client.get(index.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Nieuw") < html.index("Oud")
    assert "Concept" not in html


def test_news_index_paginates_and_survives_a_bad_page_number(client, index):
    for n in range(5):
        make_news(index, f"bericht-{n}", date=date(2026, 1, n + 1))
    first = client.get(index.url).content.decode()
    assert "Bericht 4" in first and "Bericht 2" not in first
    assert 'rel="next"' in first
    third = client.get(index.url + "?pagina=3").content.decode()
    assert "Bericht 0" in third
    assert client.get(index.url + "?pagina=abc").status_code == 200
    assert client.get(index.url + "?pagina=999").status_code == 200


def test_news_page_shows_body_date_and_area(client, index):
    from socialmap.models import Area

    area = Area.objects.get(slug="de-velden")
    page = make_news(index, "dorpsfeest", area=area, date=date(2026, 5, 4))
    html = client.get(page.url).content.decode()
    assert "Tekst." in html and "De Velden" in html and 'datetime="2026-05-04"' in html


def test_rss_feed_is_valid_and_holds_only_live_items(client, index):
    make_news(index, "gepubliceerd", introduction="Zichtbaar")
    make_news(index, "niet-gepubliceerd", publish=False)
    response = client.get(index.url + "rss/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    items = root.findall("./channel/item")
    assert [i.findtext("title") for i in items] == ["Gepubliceerd"]
    assert items[0].findtext("link").startswith("http://testserver/")
    assert items[0].findtext("description") == "Zichtbaar"


def test_area_news_includes_posts_in_the_area_section_and_its_wijken(home_page):
    from socialmap.models import Area

    velden = Area.objects.get(slug="de-velden")
    wijk = velden.children.first()
    area_page = make_area_page(make_area_index(home_page), velden)
    section = make_news_index(area_page)
    in_section = make_news(section, "in-de-sectie")
    assert in_section.area == velden  # taken from the section it was posted in
    main = make_news_index(home_page, slug="alle-nieuws", show_all_news=True)
    in_wijk = make_news(main, "in-de-wijk", area=wijk)
    elsewhere = make_news(main, "elders", area=Area.objects.get(slug="de-monden"))
    assert {p.slug for p in news_items(area=velden)} == {in_section.slug, in_wijk.slug}
    # the site-wide index shows every section
    assert {p.slug for p in news_items(main)} == {"in-de-sectie", "in-de-wijk", "elders"}
    assert elsewhere.slug not in [p.slug for p in news_items(section)]


def test_home_page_features_marked_news_first_and_shows_it(client, home_page):
    index = make_news_index(home_page)
    make_news(index, "gewoon-1", date=date(2026, 6, 1))
    make_news(index, "uitgelicht", featured=True, date=date(2026, 1, 1))
    make_news(index, "gewoon-2", date=date(2026, 5, 1))
    make_news(index, "gewoon-3", date=date(2026, 4, 1))
    assert [p.slug for p in community_highlights()["featured_news"]] == ["uitgelicht", "gewoon-1", "gewoon-2"]
    html = client.get("/").content.decode()
    assert "Uitgelicht" in html and "Gewoon 1" in html


def test_news_page_can_only_live_below_a_news_index():
    from home.news import NewsPage

    assert NewsPage.parent_page_types == ["home.NewsIndexPage"]
    assert NewsPage.subpage_types == []
