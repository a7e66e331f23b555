"""A search engine that stops answering is asked once, not on every call (search.breaker).

The engine here is a local server that accepts connections and never answers (a hung Elasticsearch): each
call to it waits for its timeout. We count the connections it receives instead of timing anything.
"""

import socket
import threading

import pytest
from django.urls import reverse

from search import breaker
from search.elastic import ElasticsearchFacilityBackend
from search.facilities import FacilityQuery
from tests.factories import make_content_page, make_home_page
from tests.search.factories import index_all, make_facility

pytestmark = pytest.mark.django_db


class SilentServer:
    """Accepts TCP connections on a free local port, counts them, and never sends a byte."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.connections = []
        self.thread = threading.Thread(target=self.accept, daemon=True)
        self.thread.start()

    def accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections.append(conn)

    def close(self):
        self.sock.close()
        for conn in self.connections:
            conn.close()


@pytest.fixture
def silent_engine(settings):
    """The hung engine; tests point the settings at it (engine_in_use) after creating their content, so that
    only the calls under test reach it."""
    server = SilentServer()
    settings.SEARCH_ENGINE_RETRY_SECONDS = 30
    breaker.reset()
    yield server
    breaker.reset()
    server.close()


def engine_in_use(settings, server):
    settings.ELASTICSEARCH_URL = server.url
    settings.FACILITY_SEARCH_BACKEND = "search.elastic.ElasticsearchFacilityBackend"
    settings.WAGTAILSEARCH_BACKENDS = {"default": {
        "BACKEND": "search.engine_backend", "URLS": [server.url], "INDEX": "dichtbij_test",
        "TIMEOUT": 1, "OPTIONS": {"max_retries": 0, "retry_on_timeout": False}}}


def test_a_hung_engine_is_asked_once_and_then_skipped_with_the_same_notice(silent_engine, settings):
    make_facility("Taalhuis Klazienaveen", "Nederlands oefenen met taalcoaches.")
    index_all()
    engine_in_use(settings, silent_engine)
    backend = ElasticsearchFacilityBackend(url=silent_engine.url, timeout=1)

    first = backend.search(FacilityQuery(text="taalcoaches"))
    second = backend.search(FacilityQuery(text="taalcoaches"))

    assert len(silent_engine.connections) == 1
    for result in (first, second):
        assert [h.facility.name for h in result.hits] == ["Taalhuis Klazienaveen"]
        assert "zoekmachine werkt nu even niet" in result.notice


def test_the_engine_is_tried_again_after_the_retry_time(silent_engine, settings):
    make_facility("Taalhuis Klazienaveen", "Nederlands oefenen met taalcoaches.")
    index_all()
    engine_in_use(settings, silent_engine)
    settings.SEARCH_ENGINE_RETRY_SECONDS = 0
    backend = ElasticsearchFacilityBackend(url=silent_engine.url, timeout=1)
    backend.search(FacilityQuery(text="taalcoaches"))
    backend.search(FacilityQuery(text="taalcoaches"))
    assert len(silent_engine.connections) == 2


def test_a_site_search_waits_for_a_hung_engine_once_not_per_model(client, silent_engine, settings):
    """Pages, news, events, initiatives and facilities are all searched through the engine: after the first
    timeout the rest come from the database at once, and the visitor gets every result with the notice."""
    home = make_home_page()
    make_content_page(home, title="Mantelzorg in Emmen", slug="mantelzorg-info")
    make_facility("Mantelzorgsteunpunt", "Steun en advies voor mantelzorgers.")
    index_all()
    engine_in_use(settings, silent_engine)

    response = client.get(reverse("search:search"), {"q": "mantelzorg"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "De zoekmachine werkt nu even niet" in html
    assert "Mantelzorgsteunpunt" in html and "Mantelzorg in Emmen" in html
    assert len(silent_engine.connections) == 1


def test_saving_a_facility_while_the_engine_is_skipped_does_not_wait_for_it(
    silent_engine, settings, django_capture_on_commit_callbacks
):
    facility = make_facility("Buurthuis De Schakel", "Koffie en ontmoeting.")
    engine_in_use(settings, silent_engine)
    breaker.trip(OSError("down"))
    facility.description = "Koffie, ontmoeting en een luisterend oor."
    with django_capture_on_commit_callbacks(execute=True):  # the index updates run after the commit
        facility.save()
    assert silent_engine.connections == []
    # The database search is current all the same.
    from search.backends import DatabaseFacilityBackend

    assert [h.facility.name for h in DatabaseFacilityBackend().search(FacilityQuery(text="luisterend oor")).hits] == [
        "Buurthuis De Schakel"
    ]
