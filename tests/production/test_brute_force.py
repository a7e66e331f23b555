"""django-axes locks a username out from one IP address after AXES_FAILURE_LIMIT wrong passwords."""

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Geheim-wachtwoord-1"


@pytest.fixture(autouse=True)
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    settings.WAGTAIL_REQUIRE_2FA = False
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()


def attempt(client, username, password, ip="192.0.2.10"):
    return client.post(
        "/admin/login/", {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=ip, HTTP_ACCEPT_LANGUAGE="nl",
    )


def test_wrong_passwords_lock_the_account_out_with_a_dutch_message(client, home_page):
    UserFactory(username="redacteur", groups=["Redacteur"])
    for _ in range(2):
        assert attempt(client, "redacteur", "fout-wachtwoord").status_code == 200
    locked = attempt(client, "redacteur", "fout-wachtwoord")
    assert locked.status_code == 429
    assert "Te veel pogingen".encode() in locked.content
    # Even the right password does not get in while locked out.
    assert attempt(client, "redacteur", PASSWORD).status_code == 429
    assert client.get("/admin/").status_code == 302


def test_lockout_is_per_username_and_ip(client, home_page):
    UserFactory(username="redacteur", groups=["Redacteur"])
    for _ in range(3):
        attempt(client, "redacteur", "fout-wachtwoord", ip="192.0.2.10")
    # The same person from another address, and another user from the same address, can still sign in.
    assert attempt(client, "redacteur", PASSWORD, ip="198.51.100.20").status_code == 302


def test_successful_login_resets_the_counter(client, home_page):
    UserFactory(username="redacteur", groups=["Redacteur"])
    for _ in range(2):
        attempt(client, "redacteur", "fout-wachtwoord")
    assert attempt(client, "redacteur", PASSWORD).status_code == 302
    client.logout()
    for _ in range(2):
        assert attempt(client, "redacteur", "fout-wachtwoord").status_code == 200
