import pytest
from django.test import Client

from tests.factories import make_content_page

pytestmark = pytest.mark.django_db


def test_sitemap_lists_live_pages(client, home_page):
    page = make_content_page(home_page, title="Mantelzorg", slug="mantelzorg")
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert page.full_url.encode() in response.content


def test_robots_txt_points_to_sitemap_and_keeps_admin_out(client):
    body = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in body and "Sitemap: http://testserver/sitemap.xml" in body


def test_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")


def test_page_head_has_title_canonical_open_graph_and_language(client, home_page):
    page = make_content_page(home_page, title="Vervoer", slug="vervoer", introduction="Reizen als het lastig is.")
    body = client.get(page.url).content.decode()
    assert '<html lang="nl"' in body
    assert "<title>Vervoer | " in body
    assert f'<link rel="canonical" href="{page.full_url}">' in body
    assert '<meta property="og:title" content="Vervoer">' in body
    assert 'content="Reizen als het lastig is."' in body


@pytest.fixture
def info_pages(db):
    """The demo's information pages and statements (home/demo.py), without the rest of the demo."""
    from home import demo

    return demo.load(stdout=None)


def test_page_has_skip_link_landmarks_breadcrumbs_and_footer_statements(client, info_pages):
    body = client.get("/mantelzorg/").content.decode()
    assert 'href="#main"' in body and '<main id="main"' in body
    assert 'aria-current="page"' in body
    assert "Privacyverklaring" in body and "Toegankelijkheidsverklaring" in body
    deeper = make_content_page(info_pages.get_children().get(slug="mantelzorg").specific, title="Respijtzorg", slug="respijtzorg")
    body = client.get(deeper.url).content.decode()
    assert "dichtbij-breadcrumbs" in body and ">Mantelzorg</a>" in body


def test_unknown_address_gets_a_themed_404(client, home_page):
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.content.decode()


def test_server_error_page_renders_without_the_database(rf):
    from home.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Er ging iets mis" in response.content.decode()


def test_theme_css_carries_the_municipality_colour(client, home_page):
    from home.models import ThemeSettings
    from wagtail.models import Site

    theme = ThemeSettings.for_site(Site.objects.get(is_default_site=True))
    theme.primary_colour = "#7a003c"
    theme.save()
    response = client.get("/theme.css")
    assert response["Content-Type"].startswith("text/css")
    assert "--utrecht-button-primary-action-background-color: #7a003c" in response.content.decode()


def test_language_switch_changes_the_interface_to_english(home_page):
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    body = client.get("/").content.decode()
    assert '<html lang="en"' in body
    assert "Skip to main content" in body
    # Content stays Dutch and is marked as such for screen readers.
    assert '<main id="main" tabindex="-1" class="utrecht-page-content dichtbij-main" lang="nl">' in body


def test_dutch_is_the_default_interface_language(client, info_pages):
    body = client.get("/").content.decode()
    assert "Ga naar de inhoud" in body and "Hoofdmenu" in body


def test_header_language_links_switch_the_interface_without_a_form(home_page):
    client = Client()
    body = client.get("/").content.decode()
    assert 'href="/taal/en/?next=/"' in body and 'hreflang="en"' in body
    assert "csrfmiddlewaretoken" not in body  # the header must not keep pages out of the page cache
    response = client.get("/taal/en/", {"next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert response.cookies["dichtbij_language"].value == "en"
    assert '<html lang="en"' in client.get("/").content.decode()
    client.get("/taal/nl/", {"next": "/"})
    assert '<html lang="nl"' in client.get("/").content.decode()


def test_language_link_for_an_unknown_language_is_not_found(client):
    assert client.get("/taal/fr/").status_code == 404
