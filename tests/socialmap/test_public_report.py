"""'Meld een fout': reports reach staff as moderated suggestions; nothing changes on the facility."""

import pytest
from django.core import mail
from django.urls import reverse

from socialmap.models import Facility, FacilityReport
from tests.factories import UserFactory
from tests.socialmap.factories import FacilityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def facility(map_page):
    return FacilityFactory(name="Taalhuis", slug="taalhuis", description="Hulp bij lezen en schrijven.")


def report_url(map_page):
    return map_page.url + "taalhuis/meld-een-fout/"


def test_detail_page_links_to_the_report_form(client, map_page, facility):
    html = client.get(map_page.url + "taalhuis/").content.decode()
    # A link, not the form: a CSRF token would keep every facility page out of the full-page cache.
    assert f'href="{report_url(map_page)}"' in html and "csrfmiddlewaretoken" not in html
    form = client.get(report_url(map_page)).content.decode()
    assert f'action="{report_url(map_page)}"' in form
    assert "Wat klopt er niet of is verouderd?" in form
    assert 'class="dichtbij-honeypot"' in form


def test_report_is_saved_as_new_staff_are_mailed_and_the_facility_is_unchanged(client, map_page, facility, settings):
    settings.STAFF_EMAIL = "redactie@gemeente.example"
    response = client.post(report_url(map_page), {"message": "Het telefoonnummer is veranderd: 0591 123456", "email": "inwoner@example.nl"})
    assert response.status_code == 302
    assert response["Location"] == map_page.url + "taalhuis/meld-een-fout/bedankt/"
    report = FacilityReport.objects.get()
    assert report.facility == facility and report.status == FacilityReport.NEW
    assert report.email == "inwoner@example.nl"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["redactie@gemeente.example"]
    assert "Taalhuis" in message.subject and "0591 123456" in message.body
    assert "inwoner@example.nl" not in message.body  # the address stays in the admin
    assert reverse("facility_reports:edit", args=[report.pk]) in message.body
    facility.refresh_from_db()
    assert facility.description == "Hulp bij lezen en schrijven." and facility.live
    thanks = client.get(response["Location"])
    assert "Bedankt voor uw melding" in thanks.content.decode()


def test_report_errors_keep_the_text_and_are_in_dutch(client, map_page, facility):
    response = client.post(report_url(map_page), {"message": "Het adres klopt niet", "email": "geen-adres"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Vul een e-mailadres in zoals naam@voorbeeld.nl" in html
    assert "Het adres klopt niet" in html and 'value="geen-adres"' in html
    assert 'role="alert"' in html
    response = client.post(report_url(map_page), {"message": "   "})
    assert "Schrijf op wat er niet klopt." in response.content.decode()
    assert FacilityReport.objects.count() == 0 and not mail.outbox


def test_honeypot_spam_gets_a_thank_you_and_is_not_saved(client, map_page, facility):
    response = client.post(report_url(map_page), {"message": "Koop nu!", "homepage": "http://spam.example"})
    assert response.status_code == 302
    assert FacilityReport.objects.count() == 0 and not mail.outbox


def test_report_form_needs_csrf(map_page, facility):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(report_url(map_page), {"message": "x"})
    assert response.status_code == 403


def test_staff_see_reports_in_the_admin_and_handling_records_who(client, map_page, facility):
    from home import groups

    report = FacilityReport.objects.create(facility=facility, message="Adres is verhuisd", email="a@example.nl")
    editor = UserFactory(username="redacteur", groups=[groups.REDACTEUR])
    editor.user_permissions.add(*__import__("django.contrib.auth.models", fromlist=["Permission"]).Permission.objects.filter(codename="access_admin"))
    client.force_login(editor)
    index = client.get(reverse("facility_reports:index"))
    assert index.status_code == 200
    assert "Adres is verhuisd" in index.content.decode()
    edit_url = reverse("facility_reports:edit", args=[report.pk])
    assert client.get(edit_url).status_code == 200
    response = client.post(edit_url, {"status": "handled", "staff_notes": "Adres aangepast in de voorziening."})
    assert response.status_code == 302, response.content.decode()[:2000]
    report.refresh_from_db()
    assert report.status == "handled" and report.handled_by == editor and report.handled_at is not None
    assert report.message == "Adres is verhuisd"  # the resident's text cannot be edited
    # nobody creates reports in the admin
    assert client.get(reverse("facility_reports:add")).status_code in (302, 403)


def test_residents_without_permission_cannot_see_reports(client, map_page, facility):
    FacilityReport.objects.create(facility=facility, message="x")
    partner = UserFactory(username="partner")
    client.force_login(partner)
    response = client.get(reverse("facility_reports:index"))
    assert response.status_code in (302, 403)
