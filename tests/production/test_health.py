"""/healthz: JSON, 200 when the database and the search backend answer, 503 when one does not."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_healthz_reports_ok_for_database_search(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["search"] == {"status": "ok", "backend": "database"}
    assert response["Cache-Control"] == "no-store"


def test_healthz_answers_any_host_name_and_plain_http(client, settings):
    # Load balancers probe by IP address; the answer must not be a 400 (host) or a 301 (https).
    settings.ALLOWED_HOSTS = ["dichtbij.example.nl"]
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200


def test_healthz_is_503_when_the_database_fails(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper
    from django.db.utils import OperationalError

    def broken_execute(self, sql, params=None):
        raise OperationalError("connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", broken_execute)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {"status": "error", "error": "OperationalError"}


class FakeElasticsearch(BaseHTTPRequestHandler):
    cluster_status = "green"

    def do_GET(self):  # noqa: N802
        body = json.dumps({"cluster_name": "test", "status": self.cluster_status}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Elastic-Product", "Elasticsearch")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def elasticsearch_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeElasticsearch)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_healthz_checks_elasticsearch_cluster_health(client, settings, elasticsearch_server):
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{elasticsearch_server.server_port}"
    FakeElasticsearch.cluster_status = "yellow"
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["search"]["cluster"] == "yellow"
    FakeElasticsearch.cluster_status = "red"
    assert client.get("/healthz").status_code == 503


def test_healthz_is_503_when_elasticsearch_is_unreachable(client, settings, elasticsearch_server):
    port = elasticsearch_server.server_port
    elasticsearch_server.shutdown()
    elasticsearch_server.server_close()
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{port}"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["search"]["status"] == "error"
    assert connection.is_usable()
