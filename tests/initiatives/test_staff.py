"""Staff in the Wagtail admin: queue, assessment, decision by a budget holder only, letters, dashboard, export."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from initiatives import services
from initiatives.models import Status
from tests.factories import UserFactory

from .factories import budget_holder, make_application, make_scheme, reviewer

pytestmark = pytest.mark.django_db
S = Status


def detail_url(app):
    return reverse("initiatives_admin:detail", args=[app.pk])


def test_queue_lists_submitted_applications_and_filters(client):
    scheme = make_scheme()
    a = make_application(scheme, status=S.SUBMITTED, title="Moestuin")
    make_application(scheme, status=S.IN_REVIEW, title="Kookclub")
    make_application(scheme, title="Geheim concept")  # drafts are not for staff
    client.force_login(reviewer())
    html = client.get(reverse("initiatives_admin:queue")).content.decode()
    assert "Moestuin" in html and "Kookclub" in html and "Geheim concept" not in html
    html = client.get(reverse("initiatives_admin:queue"), {"status": "in_review", "scheme": scheme.pk}).content.decode()
    assert "Kookclub" in html and "Moestuin" not in html
    assert client.get(detail_url(a)).status_code == 200


def test_redacteur_without_permission_cannot_see_applications(client):
    client.force_login(UserFactory(groups=["Redacteur"]))
    response = client.get(reverse("initiatives_admin:queue"))
    # Wagtail's admin turns a refused permission into a redirect to the dashboard with a message.
    assert response.status_code == 403 or (response.status_code == 302 and response.url == "/admin/")


def test_reviewer_assesses_but_cannot_decide_in_the_admin(client):
    app = make_application(status=S.SUBMITTED)
    rev = reviewer()
    client.force_login(rev)
    client.post(detail_url(app), {"action": "assign", "reviewer": rev.pk})
    client.post(detail_url(app), {"action": "start_review"})
    block = app.scheme.criteria[0]
    client.post(detail_url(app), {"action": "check", f"c{block.id}-criterion": block.value["title"],
                                  f"c{block.id}-result": "met", f"c{block.id}-note": "Goed"})
    client.post(detail_url(app), {"action": "advise", "advice": "Toekennen", "amount": "500"})
    app.refresh_from_db()
    assert app.status == S.ADVISED and app.assigned_to == rev
    assert app.criterion_checks.get().result == "met"
    html = client.get(detail_url(app)).content.decode()
    assert "Decide and send the letter" not in html and "Besluiten en brief versturen" not in html
    response = client.post(detail_url(app), {"action": "decide", "decision": "granted", "amount": "500", "reasons": "ja"}, follow=True)
    app.refresh_from_db()
    assert app.status == S.ADVISED
    assert "budget holder" in response.content.decode() or "budgethouder" in response.content.decode()


def test_budget_holder_decides_and_the_letter_is_mailed_as_pdf(client):
    app = make_application(status=S.ADVISED)
    client.force_login(budget_holder())
    client.post(detail_url(app), {"action": "decide", "decision": "partly_granted", "amount": "300", "reasons": "Deels passend"})
    app.refresh_from_db()
    assert app.status == S.PARTLY_GRANTED and app.granted_amount == Decimal("300")
    (message,) = [m for m in mail.outbox if app.reference in m.subject]
    name, content, mimetype = message.attachments[0]
    assert mimetype == "application/pdf" and content.startswith(b"%PDF")
    response = client.get(reverse("initiatives_admin:letter", args=[app.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_request_for_information_is_mailed(client):
    app = make_application(status=S.IN_REVIEW)
    client.force_login(reviewer())
    client.post(detail_url(app), {"action": "request_info", "question": "Wie doen er mee?"})
    app.refresh_from_db()
    assert app.status == S.INFO_REQUESTED
    assert any("Wie doen er mee?" in m.body for m in mail.outbox)


def test_over_budget_decision_shows_an_error_and_changes_nothing(client):
    app = make_application(make_scheme(budget=Decimal("100")), status=S.ADVISED)
    client.force_login(budget_holder())
    response = client.post(detail_url(app), {"action": "decide", "decision": "granted", "amount": "500", "reasons": "ja"}, follow=True)
    app.refresh_from_db()
    assert app.status == S.ADVISED and "100" in response.content.decode()


def test_iban_masked_in_admin_for_reviewer_full_for_budget_holder(client):
    app = make_application(status=S.SUBMITTED)
    client.force_login(reviewer())
    assert "NL91ABNA0417164300" not in client.get(detail_url(app)).content.decode()
    client.force_login(budget_holder())
    assert "NL91ABNA0417164300" in client.get(detail_url(app)).content.decode()


def test_payments_and_report_request_through_the_admin(client):
    holder = budget_holder()
    app = services.decide(make_application(status=S.ADVISED), holder, S.GRANTED, Decimal("500"), "ja")
    client.force_login(holder)
    client.post(detail_url(app), {"action": "pay", "kind": "advance", "amount": "400"})
    client.post(detail_url(app), {"action": "request_report", "due": "2020-01-01"})
    app.refresh_from_db()
    assert app.status == S.REPORT_DUE and app.paid_total == Decimal("400")
    dashboard = client.get(reverse("initiatives_admin:dashboard")).content.decode()
    assert app.reference in dashboard  # overdue report
    assert 'width="250"' in dashboard  # 50% committed of a 500 px bar
    assert "style=" not in dashboard.split('id="main"')[-1].split("</main>")[0].replace("<style", "")


def test_csv_export_for_finance_and_statistics(client):
    holder = budget_holder()
    services.decide(make_application(status=S.ADVISED), holder, S.GRANTED, Decimal("500"), "ja")
    client.force_login(holder)
    csv = client.get(reverse("initiatives_admin:export")).content.decode("utf-8-sig")
    assert "NL91ABNA0417164300" in csv and "500" in csv
    stats = client.get(reverse("initiatives_admin:statistics")).content.decode()
    assert "Anna de Vries" not in stats and "500" in stats
    client.force_login(reviewer())
    response = client.get(reverse("initiatives_admin:export"))
    assert response.status_code == 403 or (response.status_code == 302 and response.url == "/admin/")


def test_audit_log_is_visible_to_staff(client):
    app = make_application(status=S.SUBMITTED)
    rev = reviewer()
    services.start_review(app, rev)
    client.force_login(rev)
    html = client.get(detail_url(app)).content.decode()
    assert rev.username in html
