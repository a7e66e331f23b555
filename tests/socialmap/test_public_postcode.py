"""The PDOK postcode client, against a local HTTP server answering in PDOK Locatieserver's format."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from socialmap.postcode import PdokPostcodeClient, normalise_postcode, resolve_postcode


class FakeLocatieserver(BaseHTTPRequestHandler):
    requests = []

    def do_GET(self):
        url = urlparse(self.path)
        query = parse_qs(url.query)
        FakeLocatieserver.requests.append((url.path, query))
        if query.get("q") == ["9999ZZ"]:
            self.send_response(500)
            self.end_headers()
            return
        docs = [] if query.get("q") == ["1234AB"] else [{"postcode": query["q"][0], "centroide_ll": "POINT(6.90012 52.78345)"}]
        body = json.dumps({"response": {"numFound": len(docs), "start": 0, "maxScore": 1.0, "docs": docs}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def pdok():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeLocatieserver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeLocatieserver.requests = []
    yield f"http://127.0.0.1:{server.server_address[1]}/bzk/locatieserver/search/v3_1"
    server.shutdown()


def test_client_reads_the_centroid_of_a_postcode(pdok):
    assert PdokPostcodeClient(pdok).lookup("7811 AB") == (52.78345, 6.90012)
    path, query = FakeLocatieserver.requests[0]
    assert path.endswith("/free") and query["fq"] == ["type:postcode"] and query["q"] == ["7811AB"]


def test_client_returns_none_for_unknown_postcodes_errors_and_unreachable_servers(pdok):
    assert PdokPostcodeClient(pdok).lookup("1234 AB") is None
    assert PdokPostcodeClient(pdok).lookup("9999 ZZ") is None
    assert PdokPostcodeClient("http://127.0.0.1:9", timeout=0.5).lookup("7811 AB") is None


@pytest.mark.django_db
def test_resolve_falls_back_to_pdok_only_when_switched_on(pdok, settings):
    settings.PDOK_LOCATIESERVER_URL = pdok
    settings.SOCIALMAP_POSTCODE_PDOK = False
    assert resolve_postcode("7811 AC") is None
    settings.SOCIALMAP_POSTCODE_PDOK = True
    assert resolve_postcode("7811 AC") == (52.78345, 6.90012)


@pytest.mark.parametrize("raw,expected", [("7811ab", "7811 AB"), (" 7811  AB ", "7811 AB"), ("7811", "7811"), ("0811 AB", None), ("78111AB", None), ("", None), ("<b>", None)])
def test_postcodes_are_normalised(raw, expected):
    assert normalise_postcode(raw) == expected
