"""Security headers on every response: a strict CSP on the public site, a relaxed one only for the admin."""

import pytest

pytestmark = pytest.mark.django_db


def directives(header):
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_public_pages_get_a_strict_content_security_policy(client, home_page):
    response = client.get("/")
    assert response.status_code == 200
    csp = directives(response["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert "https://service.pdok.nl" in csp["img-src"] and "data:" in csp["img-src"]
    assert "https://api.pdok.nl" in csp["connect-src"]


def test_admin_gets_the_relaxed_policy_it_needs(client):
    response = client.get("/admin/login/")
    csp = directives(response["Content-Security-Policy"])
    assert "'unsafe-inline'" in csp["script-src"]
    assert csp["frame-ancestors"] == ["'self'"]  # page previews are iframes of the admin itself
    assert csp["object-src"] == ["'none'"]


def test_other_security_headers(client, home_page):
    response = client.get("/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = response["Permissions-Policy"]
    assert "geolocation=(self)" in policy
    assert "camera=()" in policy and "microphone=()" in policy


def test_error_pages_carry_the_policy_too(client, home_page):
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_map_tile_host_comes_from_the_setting():
    from config.settings.base import _origin

    assert _origin("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png") == "https://*.tile.openstreetmap.org"
    assert _origin("https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:3857/{z}/{x}/{y}.png") == "https://service.pdok.nl"


def test_the_memoised_policy_is_the_one_django_csp_builds_and_follows_the_settings(client, home_page, settings):
    from csp.utils import build_policy

    assert client.get("/")["Content-Security-Policy"] == build_policy()
    assert client.get("/admin/login/")["Content-Security-Policy"] == build_policy(config=settings.ADMIN_CONTENT_SECURITY_POLICY)
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"default-src": ["'self'"]}}
    response = client.get("/")
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert response["Content-Security-Policy-Report-Only"] == "default-src 'self'"


def test_a_views_own_policy_and_nonce_still_win(rf, settings):
    from csp.constants import NONCE
    from csp.decorators import csp_exempt, csp_update
    from django.http import HttpResponse

    from operations.middleware import ContentSecurityPolicyMiddleware

    @csp_update({"img-src": ["https://beeld.example.nl"]})
    def updated(request):
        return HttpResponse("ok")

    @csp_exempt()
    def exempt(request):
        return HttpResponse("ok")

    def with_nonce(request):
        return HttpResponse(str(request.csp_nonce))

    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"script-src": ["'self'", NONCE]}}
    for view, check in (
        (updated, lambda r: "https://beeld.example.nl" in r["Content-Security-Policy"]),
        (exempt, lambda r: "Content-Security-Policy" not in r),
        (with_nonce, lambda r: f"'nonce-{r.content.decode()}'" in r["Content-Security-Policy"]),
    ):
        request = rf.get("/")
        middleware = ContentSecurityPolicyMiddleware(view)
        assert check(middleware(request)), view.__name__
