"""Hostile input: script in every user input is shown back escaped (public pages and admin), disguised
files are refused on every upload, `next` never leads off-site, and no public POST works without CSRF."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from home.events import EventRegistration
from initiatives.models import Attachment, Status
from socialmap.models import FacilityReport

from .world import build_world

pytestmark = pytest.mark.django_db

PAYLOAD = '"><script>alert("xss")</script><img src=x onerror=alert(1)><svg onload=alert(2)>'
RAW_MARKERS = ("<script>alert(", "<img src=x onerror", "<svg onload")


@pytest.fixture(autouse=True)
def clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world():
    return build_world()


def text(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def assert_escaped(response, where):
    assert response.status_code == 200, where
    html = text(response)
    for marker in RAW_MARKERS:
        assert marker not in html, f"unescaped payload on {where}"
    assert "&lt;script&gt;alert(" in html or "\\u003Cscript\\u003E" in html, f"payload not shown at all on {where}"


# -- Cross-site scripting ---------------------------------------------------------------------------------


def test_application_fields_are_escaped_for_applicant_and_staff(world):
    app = world.objects["app_a"]
    app.title, app.what, app.contact_name, app.organisation_name = PAYLOAD, PAYLOAD, PAYLOAD, PAYLOAD
    app.save()
    applicant = world.client_for("applicant_a", Client)
    assert_escaped(applicant.get(reverse("initiatives:detail", args=[app.public_id])), "applicant detail")
    assert_escaped(applicant.get(reverse("initiatives:my_applications")), "my applications")
    admin = world.client_for("admin", Client)
    assert_escaped(admin.get(reverse("initiatives_admin:queue")), "staff queue")
    assert_escaped(admin.get(reverse("initiatives_admin:detail", args=[app.pk])), "staff detail")


def test_application_typed_through_the_form_is_escaped(world):
    draft = world.objects["draft_a"]
    client = world.client_for("applicant_a", Client)
    data = {"title": PAYLOAD, "what": PAYLOAD, "who": "Buren", "where_when": "Hier, morgen", "goal": "Ontmoeting",
            "amount_requested": "500"}
    response = client.post(reverse("initiatives:step", args=[draft.public_id, "plan"]), data)
    assert response.status_code in (200, 302)
    draft.refresh_from_db()
    assert draft.title == PAYLOAD  # kept as typed, escaped on output
    assert_escaped(client.get(reverse("initiatives:step", args=[draft.public_id, "check"])), "check step")


def test_report_text_is_escaped_for_staff(world):
    from initiatives import services

    app = world.objects["app_a"]
    app.status = Status.REPORT_DUE
    app.save()
    client = world.client_for("applicant_a", Client)
    data = {"results": PAYLOAD}
    for item in app.budget_items.all():
        data[f"spent_{item.pk}"] = "10.00"
    response = client.post(reverse("initiatives:report", args=[app.public_id]), data)
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == Status.REPORT_SUBMITTED
    assert_escaped(world.client_for("admin", Client).get(reverse("initiatives_admin:detail", args=[app.pk])), "staff detail with report")
    assert services  # the state machine took the report


def test_facility_report_is_escaped_in_the_admin(world):
    facility, map_page = world.objects["facility"], world.objects["map_page"]
    url = map_page.url + f"{facility.slug}/meld-een-fout/"
    response = Client().post(url, {"message": PAYLOAD, "email": "", "homepage": ""})
    assert response.status_code == 302
    report = FacilityReport.objects.get()
    admin = world.client_for("admin", Client)
    assert_escaped(admin.get("/admin/socialmap/meldingen/"), "report listing")
    assert_escaped(admin.get(f"/admin/socialmap/meldingen/inspect/{report.pk}/"), "report inspect")
    assert_escaped(admin.get(f"/admin/socialmap/meldingen/edit/{report.pk}/"), "report edit")


def test_event_registration_name_is_escaped_in_the_admin(world):
    event = world.objects["event"]
    response = Client().post(event.url, {"name": PAYLOAD, "email": "x@example.nl", "website": ""})
    assert response.status_code == 302
    assert EventRegistration.objects.filter(name=PAYLOAD).exists()
    assert_escaped(world.client_for("admin", Client).get("/admin/snippets/home/eventregistration/"), "registrations")


def test_contact_form_message_is_escaped_in_the_submissions(world):
    contact = world.objects["contact"]
    response = Client().post(contact.url, {"uw_bericht": PAYLOAD})
    assert response.status_code == 200
    admin = world.client_for("admin", Client)
    assert_escaped(admin.get(f"/admin/forms/submissions/{contact.pk}/"), "form submissions")


def test_search_query_is_escaped_on_results_suggestions_and_query_log(world):
    response = Client().get(reverse("search:search"), {"q": PAYLOAD})
    assert_escaped(response, "search results")
    # Suggestions are JSON (never sniffed as HTML); the autocomplete script inserts them as text.
    suggestions = Client().get(reverse("search:suggest"), {"q": PAYLOAD})
    assert suggestions["Content-Type"] == "application/json" and suggestions["X-Content-Type-Options"] == "nosniff"
    log = world.client_for("admin", Client).get("/admin/reports/zoekopdrachten/")
    assert log.status_code == 200 and not any(marker in text(log) for marker in RAW_MARKERS)


# -- Disguised files --------------------------------------------------------------------------------------

DISGUISED = {
    "html as pdf": ("offerte.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
    "html with pdf magic later": ("offerte.pdf", b"<html><body>%PDF-1.4</body></html>"),
    "svg as png": ("foto.png", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    "svg as jpg": ("foto.jpg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    "script as jpg": ("foto.jpg", b"#!/bin/sh\nrm -rf /\n"),
    "javascript as pdf": ("a.pdf", b"alert(document.cookie)"),
    "real pdf named html": ("pagina.html", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"),
    "real pdf named svg": ("logo.svg", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"),
}


@pytest.mark.parametrize("case", list(DISGUISED))
def test_disguised_files_are_refused_as_application_attachments(world, case):
    name, content = DISGUISED[case]
    draft = world.objects["draft_a"]
    client = world.client_for("applicant_a", Client)
    response = client.post(
        reverse("initiatives:step", args=[draft.public_id, "attachments"]),
        {"file": SimpleUploadedFile(name, content, content_type="application/pdf"), "upload": "1"},
    )
    assert response.status_code == 200
    assert "Dit soort bestand mag niet" in text(response)
    assert not draft.attachments.exists()


@pytest.mark.parametrize("case", [c for c in DISGUISED if "pdf" not in DISGUISED[c][0] or "svg" in c])
def test_disguised_files_are_refused_as_report_photos(world, case):
    name, content = DISGUISED[case]
    app = world.objects["app_a"]
    app.status = Status.REPORT_DUE
    app.save()
    data = {"results": "Het ging goed.", "photo": SimpleUploadedFile(name, content, content_type="image/png")}
    for item in app.budget_items.all():
        data[f"spent_{item.pk}"] = "10.00"
    response = world.client_for("applicant_a", Client).post(reverse("initiatives:report", args=[app.public_id]), data)
    assert response.status_code == 200
    app.refresh_from_db()
    assert app.status == Status.REPORT_DUE
    assert not app.attachments.filter(kind=Attachment.REPORT).exists()


def test_a_pdf_report_is_refused_as_a_photo(world):
    app = world.objects["app_a"]
    app.status = Status.REPORT_DUE
    app.save()
    data = {"results": "Het ging goed.", "photo": SimpleUploadedFile("f.pdf", b"%PDF-1.4\n%%EOF\n")}
    for item in app.budget_items.all():
        data[f"spent_{item.pk}"] = "10.00"
    response = world.client_for("applicant_a", Client).post(reverse("initiatives:report", args=[app.public_id]), data)
    assert response.status_code == 200 and not app.attachments.filter(kind=Attachment.REPORT).exists()


def test_attachment_download_headers(world):
    response = world.client_for("applicant_a", Client).get(
        reverse("initiatives:attachment", args=[world.objects["attachment_a"].public_id])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


# -- Open redirects ---------------------------------------------------------------------------------------

EXTERNAL = ["https://evil.example/", "//evil.example/", "/\\evil.example/", "https:evil.example", "\\\\evil.example",
            "javascript:alert(1)", " //evil.example"]


def is_external(location):
    location = location.strip()
    return not location.startswith("/") or location.startswith(("//", "/\\"))


@pytest.mark.parametrize("target", EXTERNAL)
def test_login_next_stays_on_site(world, target):
    world.users["applicant_a"].set_password("Lange-wachtzin-42")
    world.users["applicant_a"].save()
    response = Client().post(
        reverse("initiatives:login") + "?next=" + target,
        {"username": "anna@example.nl", "password": "Lange-wachtzin-42", "next": target},
    )
    assert response.status_code == 302 and not is_external(response["Location"])


@pytest.mark.parametrize("target", EXTERNAL)
def test_language_link_next_stays_on_site(target):
    response = Client().get("/taal/en/", {"next": target})
    assert response.status_code == 302 and not is_external(response["Location"])


@pytest.mark.parametrize("target", EXTERNAL)
def test_admin_login_next_stays_on_site(world, target):
    world.users["admin"].set_password("Lange-wachtzin-42")
    world.users["admin"].save()
    response = Client().post("/admin/login/", {"username": "beheer", "password": "Lange-wachtzin-42", "next": target})
    assert response.status_code == 302 and not is_external(response["Location"])


@pytest.mark.parametrize("target", EXTERNAL)
def test_language_switch_next_stays_on_site(target):
    response = Client().post("/i18n/setlang/", {"language": "en", "next": target})
    assert response.status_code == 302 and not is_external(response["Location"])
    response = Client().post("/i18n/setlang/", {"language": "en"}, HTTP_REFERER=target)
    assert response.status_code in (204, 302) and not is_external(response.get("Location", "/"))


@pytest.mark.parametrize("target", EXTERNAL)
def test_logout_next_stays_on_site(world, target):
    for url in (reverse("initiatives:logout"), "/admin/logout/"):
        client = world.client_for("applicant_a", Client)
        response = client.post(url + "?next=" + target, {"next": target})
        assert response.status_code == 302 and not is_external(response["Location"]), url


@pytest.mark.parametrize("target", EXTERNAL)
def test_two_factor_next_stays_on_site(world, settings, target):
    settings.WAGTAIL_REQUIRE_2FA = True
    client = world.client_for("admin", Client)
    response = client.get(reverse("operations_2fa_setup"), {"next": target})
    assert response.status_code == 200
    assert f'value="{target}"' not in text(response)


# -- CSRF -------------------------------------------------------------------------------------------------


def test_every_public_post_needs_a_csrf_token(world):
    o = world.objects
    applicant = world.users["applicant_a"]
    draft = o["draft_a"]
    posts = {
        "register": (None, reverse("initiatives:register"), {"email": "z@example.nl", "password1": "Lange-wachtzin-42", "password2": "Lange-wachtzin-42"}),
        "login": (None, reverse("initiatives:login"), {"username": "anna@example.nl", "password": "x"}),
        "password reset": (None, reverse("initiatives:password_reset"), {"email": "anna@example.nl"}),
        "admin login": (None, "/admin/login/", {"username": "beheer", "password": "x"}),
        "language": (None, "/i18n/setlang/", {"language": "en", "next": "/"}),
        "start application": (applicant, reverse("initiatives:start", args=[o["scheme"].pk]), {}),
        "application step": (applicant, reverse("initiatives:step", args=[draft.public_id, "plan"]), {"title": "X"}),
        "submit": (applicant, reverse("initiatives:submit", args=[draft.public_id]), {}),
        "withdraw": (applicant, reverse("initiatives:withdraw", args=[o["app_a"].public_id]), {}),
        "delete draft": (applicant, reverse("initiatives:delete_draft", args=[draft.public_id]), {}),
        "report": (applicant, reverse("initiatives:report", args=[o["app_a"].public_id]), {"results": "x"}),
        "logout": (applicant, reverse("initiatives:logout"), {}),
        "facility report": (None, o["map_page"].url + f"{o['facility'].slug}/meld-een-fout/", {"message": "fout", "email": ""}),
        "event registration": (None, o["event"].url, {"name": "A", "email": "a@example.nl"}),
        "newsletter": (None, o["newsletter"].url, {"email": "n@example.nl"}),
        "contact form": (None, o["contact"].url, {"uw_bericht": "Hallo"}),
        "facility review": (None, reverse("socialmap:review", args=[__import__("socialmap.review", fromlist=["x"]).make_token(o["facility"])]), {"action": "confirm"}),
    }
    accepted = []
    for name, (user, url, data) in posts.items():
        client = Client(enforce_csrf_checks=True)
        if user:
            client.force_login(user)
        response = client.post(url, data)
        if response.status_code != 403:
            accepted.append(f"{name}: {response.status_code}")
    assert accepted == []
    assert not FacilityReport.objects.exists() and not EventRegistration.objects.filter(email="a@example.nl").exists()
    draft.refresh_from_db()
    assert Status(draft.status) == Status.DRAFT
