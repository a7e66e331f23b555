"""The applicant's side: account with verification, the steps, attachments, submit, follow, report, data."""

import json
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from initiatives import services
from initiatives.models import Application, Attachment, Status
from tests.factories import UserFactory

from .factories import VALID_IBAN, budget_holder, gebied, make_application, make_report_due_application, make_scheme, reviewer

pytestmark = pytest.mark.django_db
S = Status
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 40


def step_url(app, step):
    return reverse("initiatives:step", args=[app.public_id, step])


def test_register_verify_and_login(client):
    response = client.post(reverse("initiatives:register"), {
        "email": "Anna@Example.nl", "password1": "Lange-wachtzin-42", "password2": "Lange-wachtzin-42"})
    assert response.status_code == 200
    user = UserFactory._meta.model.objects.get(email="anna@example.nl")
    assert not user.is_active
    (message,) = mail.outbox
    link = re.search(r"http://testserver(/account/bevestigen/\S+/)", message.body).group(1)
    assert client.get(link).status_code == 302
    user.refresh_from_db()
    assert user.is_active and not user.groups.exists() and not user.is_staff
    client.logout()
    response = client.post(reverse("initiatives:login"), {"username": "anna@example.nl", "password": "Lange-wachtzin-42"})
    assert response.status_code == 302 and response.url == reverse("initiatives:my_applications")


def test_tampered_verification_link_is_refused(client):
    assert client.get(reverse("initiatives:verify", args=["nep:token"])).status_code == 400


def test_register_with_mismatched_passwords_keeps_the_email(client):
    response = client.post(reverse("initiatives:register"), {"email": "b@example.nl", "password1": "Lange-wachtzin-42", "password2": "x"})
    assert response.status_code == 200 and 'value="b@example.nl"' in response.content.decode()
    assert "zelfde" in response.content.decode() or "same" in response.content.decode()


def test_password_reset_sends_a_mail(client):
    UserFactory(username="c@example.nl", email="c@example.nl")
    response = client.post(reverse("initiatives:password_reset"), {"email": "c@example.nl"})
    assert response.status_code == 302
    assert "/account/wachtwoord/" in mail.outbox[0].body


def test_applicant_cannot_reach_the_wagtail_admin(client):
    client.force_login(UserFactory())
    response = client.get("/admin/")
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert "/admin/login/" in response.url
    assert client.get(reverse("initiatives_admin:queue")).status_code in (302, 403)


def test_whole_application_through_the_steps(client):
    scheme = make_scheme(max_amount=Decimal("2000"), extra_questions=[("yes_no", {"label": "Doen vrijwilligers mee?", "help_text": "", "required": True})])
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("initiatives:start", args=[scheme.pk]))
    app = Application.objects.get(applicant=user)
    assert response.url == step_url(app, "about")
    r = client.post(step_url(app, "about"), {"applicant_type": "resident", "contact_name": "Anna", "save_next": "1"})
    assert r.status_code == 302 and r.url == step_url(app, "plan")
    block_id = scheme.extra_questions[0].id
    plan = {"title": "Moestuin", "what": "Tuinieren", "who": "Buren", "where_when": "Voorjaar", "goal": "Ontmoeting",
            "amount_requested": "750", f"extra_{block_id}": "ja"}
    assert client.post(step_url(app, "plan"), plan).status_code == 302
    lines = {"lines-TOTAL_FORMS": "2", "lines-INITIAL_FORMS": "0", "lines-0-description": "Zaden", "lines-0-amount": "500",
             "lines-1-description": "Koffie", "lines-1-amount": "250"}
    assert client.post(step_url(app, "budget"), lines).status_code == 302
    area = {"gebied": gebied("de-velden").pk, "wijk": ""}
    assert client.post(step_url(app, "area"), area).status_code == 302
    assert client.post(step_url(app, "attachments"), {"upload": "1", "file": SimpleUploadedFile("plan.pdf", PDF)}).status_code == 302
    assert client.post(step_url(app, "attachments"), {"save_next": "1"}).url == step_url(app, "payment")
    pay = {"iban": "NL91 ABNA 0417 1643 00", "account_holder": "Anna", "publish_consent": "on", "public_summary": "Een tuin."}
    assert client.post(step_url(app, "payment"), pay).status_code == 302
    check = client.get(step_url(app, "check"))
    assert "Tuinieren" in check.content.decode() and "ABNA" not in check.content.decode()
    response = client.post(reverse("initiatives:submit", args=[app.public_id]))
    app.refresh_from_db()
    assert app.status == S.SUBMITTED and response.url == reverse("initiatives:receipt", args=[app.public_id])
    assert app.extra_answers == {block_id: "ja"} and app.iban == VALID_IBAN
    receipt = client.get(response.url).content.decode()
    assert app.reference in receipt
    assert [m for m in mail.outbox if app.reference in m.subject]
    # Submitting again: same receipt, no second mail, no second event.
    client.post(reverse("initiatives:submit", args=[app.public_id]))
    assert len([m for m in mail.outbox if app.reference in m.subject]) == 1
    assert app.events.filter(action="submit").count() == 1
    assert app.events.filter(action="edit").exists()


def test_budget_lines_that_do_not_add_up_keep_what_was_typed(client):
    app = make_application(amount=Decimal("500"))
    client.force_login(app.applicant)
    lines = {"lines-TOTAL_FORMS": "2", "lines-INITIAL_FORMS": "0", "lines-0-description": "Zaden", "lines-0-amount": "100",
             "lines-1-description": "Koffieapparaat", "lines-1-amount": "50"}
    html = client.post(step_url(app, "budget"), lines).content.decode()
    assert "Uw begrotingsregels zijn samen EUR 150" in html and "gelijk zijn aan het bedrag dat u vraagt: EUR 500" in html
    assert 'value="Koffieapparaat"' in html
    assert app.budget_items.get().amount == Decimal("500")  # nothing saved


@pytest.mark.parametrize("amount,message", [
    ("-5", "Vul een bedrag in dat hoger is dan nul."),
    ("0", "Vul een bedrag in dat hoger is dan nul."),
    ("99999999", "Dit bedrag is veel te hoog. Controleer het getal."),
    ("6000", "U kunt bij deze regeling hooguit EUR 5000"),
    ("veel", "Voer een getal in."),
])
def test_negative_zero_absurd_or_too_high_amounts_are_refused(client, amount, message):
    app = make_application()
    client.force_login(app.applicant)
    plan = {"title": "Nieuwe titel", "what": "Samen tuinieren", "who": "x", "where_when": "x", "goal": "x", "amount_requested": amount}
    response = client.post(step_url(app, "plan"), plan)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'value="Nieuwe titel"' in html and "Samen tuinieren" in html  # everything typed is still there
    app.refresh_from_db()
    assert app.title == "Buurtmoestuin"


def test_negative_budget_line_is_refused(client):
    app = make_application(amount=Decimal("500"))
    client.force_login(app.applicant)
    lines = {"lines-TOTAL_FORMS": "2", "lines-INITIAL_FORMS": "0", "lines-0-description": "Huur", "lines-0-amount": "600",
             "lines-1-description": "Korting", "lines-1-amount": "-100"}
    response = client.post(step_url(app, "budget"), lines)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Vul een bedrag in dat hoger is dan nul." in html
    assert 'value="Huur"' in html and 'value="Korting"' in html and 'value="-100"' in html
    assert app.budget_items.get().amount == Decimal("500")  # nothing saved


def test_absurd_budget_line_is_refused(client):
    app = make_application(amount=Decimal("500"))
    client.force_login(app.applicant)
    lines = {"lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0", "lines-0-description": "Tikfout", "lines-0-amount": "50000000"}
    html = client.post(step_url(app, "budget"), lines).content.decode()
    assert "Dit bedrag is veel te hoog. Controleer het getal." in html and 'value="Tikfout"' in html
    assert app.budget_items.get().amount == Decimal("500")


def test_invalid_iban_is_refused(client):
    app = make_application()
    client.force_login(app.applicant)
    response = client.post(step_url(app, "payment"), {"iban": "NL91ABNA0417164301", "account_holder": "A"})
    assert response.status_code == 200 and "IBAN" in response.content.decode()


@pytest.mark.parametrize("name,content", [
    ("evil.pdf", b"<html><script>alert(1)</script></html>"),
    ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ("plan.pdf", PNG),  # a real image that claims to be a PDF
    ("run.sh", b"#!/bin/sh\nrm -rf /\n"),
])
def test_disguised_attachments_are_refused(client, name, content):
    app = make_application()
    client.force_login(app.applicant)
    response = client.post(step_url(app, "attachments"), {"upload": "1", "description": "Mijn plan",
                                                          "file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dit soort bestand mag niet, of de inhoud past niet bij de naam." in html
    assert 'value="Mijn plan"' in html
    assert not app.attachments.exists()


def test_oversized_attachment_is_refused(client, settings):
    settings.INITIATIVES_MAX_UPLOAD_SIZE = 100
    app = make_application()
    client.force_login(app.applicant)
    response = client.post(step_url(app, "attachments"), {"upload": "1", "description": "Offerte",
                                                          "file": SimpleUploadedFile("a.pdf", PDF + b" " * 200)})
    assert response.status_code == 200 and not app.attachments.exists()
    html = response.content.decode()
    assert "Dit bestand is te groot (" in html and "Het mag hooguit 100\xa0bytes zijn." in html
    assert 'value="Offerte"' in html


def test_attachments_are_private_and_only_for_the_owner_and_assigned_staff(client, settings):
    app = make_application()
    client.force_login(app.applicant)
    client.post(step_url(app, "attachments"), {"upload": "1", "file": SimpleUploadedFile("foto.png", PNG)})
    attachment = app.attachments.get()
    assert str(settings.PRIVATE_MEDIA_ROOT) in attachment.file.path
    assert str(settings.MEDIA_ROOT) not in attachment.file.path
    url = reverse("initiatives:attachment", args=[attachment.public_id])
    assert client.get(url).status_code == 200
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    rev = reviewer()
    client.force_login(rev)
    assert client.get(url).status_code == 403
    app.assigned_to = rev
    app.save()
    assert client.get(url).status_code == 200
    client.force_login(budget_holder())
    assert client.get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 302


def test_applicant_cannot_see_someone_elses_application(client):
    app = make_application(status=S.SUBMITTED)
    client.force_login(UserFactory())
    assert client.get(reverse("initiatives:detail", args=[app.public_id])).status_code == 404
    assert client.get(step_url(make_application(), "plan")).status_code == 404


def test_expired_session_keeps_what_was_typed(client):
    app = make_application()
    plan = {"title": "Typed before logout", "what": "x", "who": "x", "where_when": "x", "goal": "x", "amount_requested": "400"}
    response = client.post(step_url(app, "plan"), plan)  # not logged in any more
    assert response.status_code == 302 and reverse("initiatives:login") in response.url
    login_page = client.get(response.url).content.decode()
    assert "U bent uitgelogd omdat u een tijd weg was. Log opnieuw in: wat u had getypt is bewaard." in login_page
    client.force_login(app.applicant)
    html = client.get(step_url(app, "plan")).content.decode()
    assert 'value="Typed before logout"' in html
    assert "Wij hebben ingevuld wat u eerder had getypt. Controleer het en sla op." in html
    app.refresh_from_db()
    assert app.title == "Buurtmoestuin"  # not saved behind the applicant's back: they check it and save


def test_expired_session_on_submit_keeps_the_draft(client):
    app = make_application()
    response = client.post(reverse("initiatives:submit", args=[app.public_id]))  # not logged in any more
    assert response.status_code == 302 and reverse("initiatives:login") in response.url
    assert step_url(app, "check") in response.url  # back to the check step after logging in
    login_page = client.get(response.url).content.decode()
    assert "U bent uitgelogd omdat u een tijd weg was. Log opnieuw in: uw concept is bewaard." in login_page
    app.refresh_from_db()
    assert app.status == S.DRAFT and app.title == "Buurtmoestuin" and app.budget_items.count() == 1


def test_closed_round_gives_a_clear_error_and_keeps_the_draft(client):
    app = make_application(make_scheme(round_open=False))
    client.force_login(app.applicant)
    response = client.post(reverse("initiatives:submit", args=[app.public_id]), follow=True)
    assert "De ronde &#x27;Ronde 1&#x27; is gesloten: u kunt hierin geen aanvraag meer indienen." in response.content.decode()
    app.refresh_from_db()
    assert app.status == S.DRAFT and app.title == "Buurtmoestuin" and not app.reference


def test_no_new_application_in_a_closed_round(client):
    scheme = make_scheme(round_open=False)
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("initiatives:start", args=[scheme.pk]), follow=True)
    assert "Deze regeling heeft nu geen open ronde. U kunt nu niet aanvragen." in response.content.decode()
    assert not Application.objects.filter(applicant=user).exists()


def test_double_click_on_submit_gives_the_same_receipt_once(client):
    app = make_application()
    client.force_login(app.applicant)
    first = client.post(reverse("initiatives:submit", args=[app.public_id]))
    second = client.post(reverse("initiatives:submit", args=[app.public_id]))
    receipt = reverse("initiatives:receipt", args=[app.public_id])
    assert first.url == receipt and second.url == receipt  # no error for the second click
    app.refresh_from_db()
    assert app.events.filter(action="submit").count() == 1
    assert len([m for m in mail.outbox if app.reference in m.subject]) == 1


def test_applicant_answers_a_request_for_information(client):
    app = make_application(status=S.IN_REVIEW)
    services.request_information(app, reviewer(), "Hoeveel buren doen mee?")
    client.force_login(app.applicant)
    detail = reverse("initiatives:detail", args=[app.public_id])
    assert "Hoeveel buren" in client.get(detail).content.decode()
    client.post(detail, {"answer": "Twintig."})
    app.refresh_from_db()
    assert app.status == S.IN_REVIEW and app.information_requests.get().answer == "Twintig."


def test_applicant_submits_the_report_with_a_photo(client):
    app = make_report_due_application()
    client.force_login(app.applicant)
    item = app.budget_items.get()
    response = client.post(reverse("initiatives:report", args=[app.public_id]),
                           {"results": "Mooie tuin.", f"spent_{item.pk}": "480", "photo": SimpleUploadedFile("tuin.png", PNG)})
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == S.REPORT_SUBMITTED and app.report_spending[0]["spent"] == "480"
    assert app.attachments.filter(kind=Attachment.REPORT).exists()


def test_oversized_report_photo_is_refused_and_the_report_kept(client, settings):
    settings.INITIATIVES_MAX_UPLOAD_SIZE = 100
    app = make_report_due_application()
    client.force_login(app.applicant)
    item = app.budget_items.get()
    response = client.post(reverse("initiatives:report", args=[app.public_id]), {
        "results": "Mooie tuin met twintig buren.", f"spent_{item.pk}": "480",
        "photo": SimpleUploadedFile("tuin.png", PNG + b"\x00" * 200)})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dit bestand is te groot (" in html
    assert "Mooie tuin met twintig buren." in html and 'value="480"' in html
    app.refresh_from_db()
    assert app.status == S.REPORT_DUE and not app.attachments.exists()


def test_applicant_downloads_their_data_and_deletes_a_draft(client):
    app = make_application()
    client.force_login(app.applicant)
    data = json.loads(client.get(reverse("initiatives:my_data")).content)
    assert data["applications"][0]["iban"] == VALID_IBAN
    client.post(reverse("initiatives:delete_draft", args=[app.public_id]))
    assert not Application.objects.filter(pk=app.pk).exists()


def test_submitted_application_cannot_be_deleted(client):
    app = make_application(status=S.SUBMITTED)
    client.force_login(app.applicant)
    client.post(reverse("initiatives:delete_draft", args=[app.public_id]))
    assert Application.objects.filter(pk=app.pk).exists()
