"""The PDOK Locatieserver client and the admin's address lookup, against a local HTTP server that
answers in PDOK's documented format (and one that fails or is too slow)."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from home.groups import REDACTEUR
from socialmap import pdok
from tests.factories import UserFactory

# An answer in the shape of https://api.pdok.nl/bzk/locatieserver/search/v3_1/free (Solr JSON).
PDOK_ANSWER = {
    "response": {
        "numFound": 2,
        "start": 0,
        "maxScore": 17.5,
        "numFoundExact": True,
        "docs": [
            {
                "type": "adres",
                "weergavenaam": "Noorderplein 1, 7811AX Emmen",
                "id": "adr-0e6a2a9f1f0b1c1b6a5f1e0e4b7c3d21",
                "score": 17.5,
                "centroide_ll": "POINT(6.89258 52.78621)",
                "centroide_rd": "POINT(256447.1 532446.3)",
            },
            {
                "type": "adres",
                "weergavenaam": "Noorderplein 1A, 7811AX Emmen",
                "id": "adr-1f7b3b0a2a1c2d2c7b6a2f1f5c8d4e32",
                "score": 16.9,
                "centroide_ll": "POINT(6.89301 52.78644)",
            },
        ],
    }
}


class Server:
    """http.server in a thread; `behaviour` is 'ok', 'error' or 'slow'."""

    def __init__(self, behaviour="ok"):
        requests = self.requests = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                requests.append(self.path)
                if behaviour == "slow":
                    time.sleep(2)
                if behaviour == "error":
                    self.send_response(500)
                    self.end_headers()
                    self.wfile.write(b"Internal Server Error")
                    return
                body = json.dumps(PDOK_ANSWER).encode() if behaviour == "ok" else b"<html>not json</html>"
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/bzk/locatieserver/search/v3_1"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def test_lookup_parses_pdok_addresses_and_asks_for_addresses_only():
    with Server("ok") as server:
        results = pdok.lookup_address("Noorderplein 1 Emmen", base_url=server.url)

    assert [r.label for r in results] == ["Noorderplein 1, 7811AX Emmen", "Noorderplein 1A, 7811AX Emmen"]
    assert results[0].latitude == pytest.approx(52.78621) and results[0].longitude == pytest.approx(6.89258)
    path, query = urlsplit(server.requests[0]).path, parse_qs(urlsplit(server.requests[0]).query)
    assert path.endswith("/free")
    assert query["q"] == ["Noorderplein 1 Emmen"] and query["fq"] == ["type:adres"] and query["rows"] == ["5"]


def test_server_error_raises_pdok_unavailable():
    with Server("error") as server, pytest.raises(pdok.PdokUnavailable):
        pdok.lookup_address("Noorderplein 1", base_url=server.url)


def test_timeout_raises_pdok_unavailable_quickly():
    with Server("slow") as server:
        started = time.monotonic()
        with pytest.raises(pdok.PdokUnavailable):
            pdok.lookup_address("Noorderplein 1", base_url=server.url, timeout=0.3)
        assert time.monotonic() - started < 1.5


def test_answer_that_is_not_json_raises_pdok_unavailable():
    with Server("garbage") as server, pytest.raises(pdok.PdokUnavailable):
        pdok.lookup_address("Noorderplein 1", base_url=server.url)


def test_unreachable_server_raises_pdok_unavailable():
    with Server("ok") as server:
        url = server.url
    with pytest.raises(pdok.PdokUnavailable):
        pdok.lookup_address("Noorderplein 1", base_url=url, timeout=0.5)


def test_parse_point_rejects_nonsense():
    assert pdok.parse_point("POINT(6.89 52.78)") == (52.78, 6.89)
    assert pdok.parse_point("POINT(600 52)") is None
    assert pdok.parse_point("LINESTRING(1 2, 3 4)") is None
    assert pdok.parse_point(None) is None


@pytest.mark.django_db
def test_admin_address_lookup_returns_suggestions(client, settings):
    client.force_login(UserFactory(username="redacteur", groups=[REDACTEUR]))
    with Server("ok") as server:
        settings.PDOK_LOCATIESERVER_URL = server.url
        response = client.get(reverse("socialmap_address_lookup"), {"q": "Noorderplein 1 Emmen"})

    assert response.status_code == 200
    assert response.json()["results"][0] == {"label": "Noorderplein 1, 7811AX Emmen", "latitude": 52.78621, "longitude": 6.89258}


@pytest.mark.django_db
def test_admin_address_lookup_says_in_dutch_when_pdok_is_down(client, settings):
    client.force_login(UserFactory(username="redacteur", groups=[REDACTEUR]))
    with Server("error") as server:
        settings.PDOK_LOCATIESERVER_URL = server.url
        response = client.get(reverse("socialmap_address_lookup"), {"q": "Noorderplein 1 Emmen"}, HTTP_ACCEPT_LANGUAGE="nl")

    assert response.status_code == 503
    assert "niet bereikbaar" in response.json()["error"]


@pytest.mark.django_db
def test_address_lookup_needs_admin_access(client):
    response = client.get(reverse("socialmap_address_lookup"), {"q": "Noorderplein"})

    assert response.status_code == 302 and "login" in response.url


@pytest.mark.django_db
def test_location_edit_form_has_the_map_and_plain_coordinate_fields(client):
    from socialmap.models import Location

    location = Location.objects.create(name="Wijkcentrum", latitude=52.78, longitude=6.9, live=True)
    client.force_login(UserFactory(username="redacteur", groups=[REDACTEUR]))

    html = client.get(reverse("wagtailsnippets_socialmap_location:edit", args=[location.pk])).content.decode()

    assert 'data-location-picker' in html
    assert 'name="latitude"' in html and 'name="longitude"' in html  # editable without JavaScript
    assert "leaflet/leaflet.js" in html and "socialmap/js/location-picker.js" in html
