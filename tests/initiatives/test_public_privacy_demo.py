"""Public side (funded list, RSS, totals), privacy (purge after retention) and the idempotent demo."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from initiatives import privacy, services
from initiatives.models import Application, ApplicationEvent, Attachment, BudgetSchemePage, Status

from .factories import budget_holder, make_application, make_scheme

pytestmark = pytest.mark.django_db
S = Status


def granted(scheme=None, consent=True, **kwargs):
    app = make_application(scheme, status=S.ADVISED, publish_consent=consent, public_summary="Een mooie tuin voor de buurt.", **kwargs)
    return services.decide(app, budget_holder(), S.GRANTED, app.amount_requested, "ja")


def test_funded_list_shows_only_initiatives_with_consent(client):
    scheme = make_scheme()
    shown = granted(scheme, title="Zichtbare tuin")
    granted(scheme, consent=False, title="Geheime tuin")
    make_application(scheme, status=S.SUBMITTED, publish_consent=True, public_summary="x", title="Nog niet besloten")
    html = client.get(reverse("initiatives:funded")).content.decode()
    assert "Zichtbare tuin" in html and "Geheime tuin" not in html and "Nog niet besloten" not in html
    assert "Anna de Vries" not in html and "NL91" not in html
    assert f"EUR {shown.granted_amount}" in html
    assert "initiatives-map-data" in html and "style=" not in html


def test_funded_list_per_gebied(client):
    scheme = make_scheme()
    granted(scheme, title="Tuin in De Velden", gebied_slug="de-velden")
    granted(scheme, title="Tuin in De Monden", gebied_slug="de-monden")
    html = client.get(reverse("initiatives:funded_gebied", args=["de-monden"])).content.decode()
    assert "Tuin in De Monden" in html and "Tuin in De Velden" not in html
    assert client.get(reverse("initiatives:funded_gebied", args=["bestaat-niet"])).status_code == 404


def test_rss_feed_lists_funded_initiatives(client):
    granted(title="Tuin in de feed")
    response = client.get(reverse("initiatives:funded_feed"))
    assert response.status_code == 200 and b"Tuin in de feed" in response.content and b"<rss" in response.content


def test_scheme_page_shows_totals_and_apply_button(client):
    scheme = make_scheme()
    granted(scheme)
    granted(scheme)
    html = client.get(scheme.url).content.decode()
    assert "EUR 1000" in html
    assert reverse("initiatives:start", args=[scheme.pk]) in html


def test_purge_anonymises_after_retention_and_keeps_figures(django_capture_on_commit_callbacks):
    scheme = make_scheme(retention_months=12)
    holder = budget_holder()
    app = granted(scheme)
    services.record_payment(app, holder, "final", app.granted_amount)
    app = services.close(app, holder)
    Attachment.objects.create(application=app, file=ContentFile(b"%PDF-1.4", name="x.pdf"), original_name="x.pdf",
                              content_type="application/pdf", size=8)
    path = app.attachments.get().file.path
    recent = granted(scheme)
    old_draft = make_application(scheme)
    Application.objects.filter(pk=old_draft.pk).update(updated_at=timezone.now() - datetime.timedelta(days=400))
    Application.objects.filter(pk=app.pk).update(closed_at=timezone.now() - datetime.timedelta(days=370))

    assert privacy.purge_personal_data(dry_run=True) == {"deleted": 1, "anonymised": 1}
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):  # the files go once the rows are gone for good
        call_command("purge_personal_data", stdout=out)
    assert "1 drafts deleted, 1 applications anonymised" in out.getvalue()
    app.refresh_from_db()
    assert app.iban == "" and app.contact_name == "" and app.applicant is None and app.anonymised_at
    assert app.granted_amount and app.status == S.CLOSED  # figures stay
    assert not app.attachments.exists()
    import os

    assert not os.path.exists(path)
    assert not Application.objects.filter(pk=old_draft.pk).exists()
    recent.refresh_from_db()
    assert recent.iban  # within retention: untouched
    assert ApplicationEvent.objects.filter(application=app, action="anonymise").exists()
    # A second run finds nothing.
    assert privacy.purge_personal_data() == {"deleted": 0, "anonymised": 0}


def test_demo_is_idempotent_and_has_four_schemes_and_funded_initiatives(home_page):
    from home import demo as home_demo  # noqa: F401
    from initiatives import demo

    demo.load(home_page)
    counts = (BudgetSchemePage.objects.count(), Application.objects.count())
    demo.load(home_page)
    assert (BudgetSchemePage.objects.count(), Application.objects.count()) == counts
    assert counts == (4, 4)
    werkbudget = BudgetSchemePage.objects.get(slug="werkbudget-informele-zorg")
    total = werkbudget.budget_lines.get(gebied=None)
    assert total.amount == Decimal("150000")
    assert werkbudget.budget_lines.exclude(gebied=None).count() == 6
    assert all(s.open_rounds() for s in BudgetSchemePage.objects.all())
    assert services.funded_initiatives().count() == 4
