"""Who may see personal data or change state: every such URL, for every role, table-driven.

Codes in the tables: A = allowed (200, or the file), L = sent to a login page, N = not found (404: no hint
that somebody else's application exists), F = forbidden (403), W = Wagtail's "no permission" (302 to the
admin dashboard with a message). A personal marker of applicant A must never appear in a refused answer.
"""

import pytest
from django.test import Client
from django.urls import reverse

from initiatives.models import Application, Status
from socialmap.review import make_token

from .world import ROLES, build_world

pytestmark = pytest.mark.django_db

#                      anon app_a app_b partner reviewer budget editor admin
APPLICANT_OWN =        "L    A     N     N       N        N      N      N"
APPLICANT_OWN_LIST =   "L    A     A     A       A        A      A      A"  # everyone sees only their own
ATTACHMENT =           "L    A     F     F       F        A      F      A"  # reviewer: only when assigned
APPLICATION_STAFF =    "L    L     L     W       A        A      W      A"
EXPORT =               "L    L     L     W       W        A      W      A"
COMMUNITY_ADMIN =      "L    L     L     W       W        W      A      A"
SUBSCRIBERS =          "L    L     L     W       W        W      W      A"  # Beheerder only (AVG requests)
ADMIN_HOME =           "L    L     L     A       A        A      A      A"
USERS_ADMIN =          "L    L     L     W       W        W      W      A"
TOKEN_VALID =          "A    A     A     A       A        A      A      A"  # the signed token is the key
TOKEN_INVALID =        "N    N     N     N       N        N      N      N"
TOKEN_INVALID_PAGE =   "A    A     A     A       A        A      A      A"  # a 'link not valid' page, nothing done


def urls(o):
    app_a, draft_a = o["app_a"], o["draft_a"]
    return {
        "applicant: my applications": (reverse("initiatives:my_applications"), APPLICANT_OWN_LIST),
        "applicant: my data (JSON)": (reverse("initiatives:my_data"), APPLICANT_OWN_LIST),
        "applicant: application detail": (reverse("initiatives:detail", args=[app_a.public_id]), APPLICANT_OWN),
        "applicant: draft step": (reverse("initiatives:step", args=[draft_a.public_id, "plan"]), APPLICANT_OWN),
        "applicant: receipt": (reverse("initiatives:receipt", args=[app_a.public_id]), APPLICANT_OWN),
        "applicant: attachment download": (
            reverse("initiatives:attachment", args=[o["attachment_a"].public_id]), ATTACHMENT),
        "staff: queue": (reverse("initiatives_admin:queue"), APPLICATION_STAFF),
        "staff: application detail": (reverse("initiatives_admin:detail", args=[app_a.pk]), APPLICATION_STAFF),
        "staff: budget dashboard": (reverse("initiatives_admin:dashboard"), APPLICATION_STAFF),
        "staff: statistics": (reverse("initiatives_admin:statistics"), APPLICATION_STAFF),
        "staff: finance export": (reverse("initiatives_admin:export"), EXPORT),
        "admin: dashboard": ("/admin/", ADMIN_HOME),
        "admin: users": ("/admin/users/", USERS_ADMIN),
        "community: event registrations": ("/admin/snippets/home/eventregistration/", COMMUNITY_ADMIN),
        "community: newsletter subscribers": ("/admin/snippets/home/newslettersubscriber/", SUBSCRIBERS),
        "socialmap: error reports": ("/admin/socialmap/meldingen/", COMMUNITY_ADMIN),
        "search: query log": ("/admin/reports/zoekopdrachten/", COMMUNITY_ADMIN),
        "socialmap: review link (valid)": (reverse("socialmap:review", args=[make_token(o["facility"])]), TOKEN_VALID),
        "socialmap: review link (forged)": (reverse("socialmap:review", args=["nep-token"]), TOKEN_INVALID),
        "events: cancel link (forged)": (o["event"].url + "afmelden/nep-token/", TOKEN_INVALID),
        "newsletter: confirm link (forged)": (o["newsletter"].url + "bevestigen/nep-token/", TOKEN_INVALID_PAGE),
    }


def outcome(response):
    status = response.status_code
    if status == 200:
        return "A"
    if status == 404:
        return "N"
    if status == 403:
        return "F"
    if status == 302:
        location = response["Location"]
        if location.startswith(("/account/inloggen/", "/admin/login/")):
            return "L"
        if location == "/admin/":
            return "W"
    return f"?{status}"


def body(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")




def _names():
    # Names only (the objects exist per test): the same keys as urls().
    return [
        "applicant: my applications", "applicant: my data (JSON)", "applicant: application detail",
        "applicant: draft step", "applicant: receipt", "applicant: attachment download", "staff: queue",
        "staff: application detail", "staff: budget dashboard", "staff: statistics", "staff: finance export",
        "admin: dashboard", "admin: users", "community: event registrations", "community: newsletter subscribers",
        "socialmap: error reports", "search: query log", "socialmap: review link (valid)",
        "socialmap: review link (forged)", "events: cancel link (forged)", "newsletter: confirm link (forged)",
    ]


@pytest.fixture
def world():
    return build_world()


@pytest.mark.parametrize("name", _names())
def test_authorisation_matrix(world, name):
    all_urls = urls(world.objects)
    assert set(all_urls) == set(_names())
    url, expected_row = all_urls[name]
    expected = dict(zip(ROLES, expected_row.split()))
    actual, leaks = {}, []
    for role in ROLES:
        response = world.client_for(role, Client).get(url)
        actual[role] = outcome(response)
        if role not in {"applicant_a", "admin", "budget_holder", "reviewer"} and "Anna Aanvrager" in body(response):
            leaks.append(role)
    assert actual == expected, f"{name} ({url})"
    world.objects["subscriber"].refresh_from_db()
    assert world.objects["subscriber"].status == "pending"
    assert leaks == [], f"{name}: applicant A's name shown to {leaks}"


def test_applicant_b_cannot_withdraw_or_delete_applicant_as_application(world):
    app_a, draft_a = world.objects["app_a"], world.objects["draft_a"]
    for role in ("applicant_b", "partner", "editor", "reviewer"):
        client = world.client_for(role, Client)
        assert client.post(reverse("initiatives:withdraw", args=[app_a.public_id])).status_code == 404
        assert client.post(reverse("initiatives:delete_draft", args=[draft_a.public_id])).status_code == 404
        assert client.post(reverse("initiatives:submit", args=[draft_a.public_id])).status_code in (302, 404)
        assert client.post(reverse("initiatives:step", args=[draft_a.public_id, "plan"]), {"title": "Gekaapt"}).status_code == 404
    app_a.refresh_from_db()
    draft_a.refresh_from_db()
    assert app_a.status == Status.SUBMITTED
    assert draft_a.status == Status.DRAFT and draft_a.title != "Gekaapt"


def test_only_staff_with_the_right_permission_change_an_application(world):
    app_a = world.objects["app_a"]
    url = reverse("initiatives_admin:detail", args=[app_a.pk])
    for role in ("anonymous", "applicant_a", "applicant_b", "partner", "editor"):
        response = world.client_for(role, Client).post(url, {"action": "start_review"})
        assert outcome(response) in {"L", "W"}, role
    assert Application.objects.get(pk=app_a.pk).status == Status.SUBMITTED
    response = world.client_for("reviewer", Client).post(url, {"action": "start_review"})
    assert response.status_code == 302
    assert Application.objects.get(pk=app_a.pk).status == Status.IN_REVIEW


def test_applicant_bs_pages_never_show_applicant_as_data(world):
    client = world.client_for("applicant_b", Client)
    for url in (reverse("initiatives:my_applications"), reverse("initiatives:my_data")):
        text = body(client.get(url))
        assert "Buurtfeest van Bert" in text
        assert "Moestuin van Anna" not in text and "Anna Aanvrager" not in text


def test_admin_pages_need_a_second_factor_when_required(world, settings):
    settings.WAGTAIL_REQUIRE_2FA = True
    for role in ("reviewer", "budget_holder", "editor", "admin"):
        response = world.client_for(role, Client).get(reverse("initiatives_admin:queue"))
        assert response.status_code == 302 and "/admin/2fa/" in response["Location"], role
