"""Staff need a TOTP code before the Wagtail admin opens (WAGTAIL_REQUIRE_2FA on, as in production)."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Geheim-wachtwoord-1"


@pytest.fixture(autouse=True)
def require_2fa(settings):
    settings.WAGTAIL_REQUIRE_2FA = True


@pytest.fixture
def editor(db):
    return UserFactory(username="redacteur", groups=["Redacteur"])


def password_login(client, username):
    response = client.post("/admin/login/", {"username": username, "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302, "the password step should succeed"
    return response


def current_code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"


def test_editor_without_device_is_sent_to_set_one_up(client, editor):
    password_login(client, "redacteur")
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/2fa/setup/")
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert b"data:image/png;base64," in page.content
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    # The secret is also shown as text for people who cannot scan.
    import base64

    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    assert secret[:4].encode() in page.content


def test_setting_up_with_a_valid_code_opens_the_admin(client, editor):
    password_login(client, "redacteur")
    client.get("/admin/2fa/setup/?next=/admin/")
    device = TOTPDevice.objects.get(user=editor)
    response = client.post("/admin/2fa/setup/", {"otp_token": current_code(device), "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/").status_code == 200


def test_login_without_code_is_refused_the_admin(client, editor):
    TOTPDevice.objects.create(user=editor, name="phone", confirmed=True)
    password_login(client, "redacteur")
    for path in ["/admin/", "/admin/pages/", "/admin/users/"]:
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/2fa/verify/")


def test_wrong_code_is_refused_with_a_clear_message(client, editor):
    device = TOTPDevice.objects.create(user=editor, name="phone", confirmed=True)
    password_login(client, "redacteur")
    wrong = f"{(int(current_code(device)) + 1) % 1000000:06d}"
    with_dutch = client.post("/admin/2fa/verify/", {"otp_token": wrong, "next": "/admin/"}, HTTP_ACCEPT_LANGUAGE="nl")
    assert with_dutch.status_code == 200
    assert "niet juist".encode() in with_dutch.content
    assert client.get("/admin/").status_code == 302


def test_valid_totp_code_opens_the_admin(client, editor):
    device = TOTPDevice.objects.create(user=editor, name="phone", confirmed=True)
    password_login(client, "redacteur")
    response = client.post("/admin/2fa/verify/", {"otp_token": current_code(device), "next": "/admin/pages/"})
    assert response.status_code == 302 and response["Location"] == "/admin/pages/"
    assert client.get("/admin/").status_code == 200


def test_verify_ignores_a_next_that_leaves_the_site(client, editor):
    device = TOTPDevice.objects.create(user=editor, name="phone", confirmed=True)
    password_login(client, "redacteur")
    response = client.post("/admin/2fa/verify/", {"otp_token": current_code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/admin/"


def test_requirement_can_be_switched_off_for_development(client, editor, settings):
    settings.WAGTAIL_REQUIRE_2FA = False
    password_login(client, "redacteur")
    assert client.get("/admin/").status_code == 200


def test_public_site_users_are_not_asked_for_a_code(client, home_page):
    UserFactory(username="inwoner")
    assert client.login(username="inwoner", password=PASSWORD)
    assert client.get("/").status_code == 200
