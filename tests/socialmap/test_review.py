"""Keeping the map current: dashboard panel, review-request e-mails with a signed link, confirmation,
corrections as drafts (never published), tampered and expired links refused."""

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import signing
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from home.groups import PARTNER, REDACTEUR
from socialmap import hsds, review
from socialmap.models import Facility, OrganisationMembership
from tests.factories import UserFactory

DATA = Path(__file__).resolve().parent / "data" / "hsds_small.json"


@pytest.fixture
def facilities(db):
    records = json.loads(DATA.read_text(encoding="utf-8"))
    assert hsds.import_services(records).ok
    today = timezone.localdate()
    Facility.objects.update(last_verified=today, review_contact_email="")
    due = Facility.objects.get(pk=records[0]["id"])  # Sociaal Loket
    Facility.objects.filter(pk=due.pk).update(last_verified=today - timedelta(days=400), review_contact_email="loket@example.nl")
    return Facility.objects.get(pk=due.pk)


def link_from(mail):
    return re.search(r"https?://\S+/voorziening-controleren/\S+/", mail.body).group(0)


def path_of(url):
    return "/" + url.split("/", 3)[3]


def test_only_due_facilities_are_listed(facilities):
    assert list(review.facilities_due_for_review()) == [facilities]


def test_dashboard_panel_lists_facilities_due_for_review(client, facilities):
    client.force_login(UserFactory(username="redacteur", groups=[REDACTEUR]))

    html = client.get(reverse("wagtailadmin_home")).content.decode()

    assert "Voorzieningen die gecontroleerd moeten worden" in html or "Facilities that need to be checked" in html
    assert facilities.name in html


def test_dashboard_panel_of_a_partner_shows_only_their_facilities(client, facilities):
    partner = UserFactory(username="partner", groups=[PARTNER])
    other_org = Facility.objects.exclude(organisation=facilities.organisation).first().organisation
    OrganisationMembership.objects.create(user=partner, organisation=other_org)
    client.force_login(partner)

    html = client.get(reverse("wagtailadmin_home")).content.decode()

    assert facilities.name not in html


def test_send_review_requests_mails_the_contact_a_link_once_per_interval(facilities, mailoutbox):
    result = review.send_review_requests()

    assert [f.pk for f in result.sent] == [facilities.pk]
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["loket@example.nl"]
    assert facilities.name in mailoutbox[0].subject
    assert "/voorziening-controleren/" in mailoutbox[0].body
    facilities.refresh_from_db()
    assert facilities.review_requested_at is not None
    assert ModelLogEntry.objects.filter(action="socialmap.review_requested", object_id=str(facilities.pk)).exists()

    # The next day's run does not mail again.
    again = review.send_review_requests(now=timezone.now() + timedelta(days=1))
    assert again.sent == [] and len(mailoutbox) == 1
    # After the interval it does.
    later = review.send_review_requests(now=timezone.now() + timedelta(days=review.REQUEST_INTERVAL_DAYS + 1))
    assert len(later.sent) == 1 and len(mailoutbox) == 2


def test_organisation_email_is_used_when_the_facility_has_no_check_address(facilities, mailoutbox):
    Facility.objects.filter(pk=facilities.pk).update(review_contact_email="")
    organisation = facilities.organisation
    organisation.email = "info@emmen.nl"
    organisation.save()

    review.send_review_requests()

    assert mailoutbox[0].to == ["info@emmen.nl"]


def test_command_sends_the_requests(facilities, mailoutbox):
    from io import StringIO

    out = StringIO()
    call_command("send_review_requests", stdout=out)

    assert len(mailoutbox) == 1 and "1 request(s) sent" in out.getvalue()


def test_contact_confirms_without_login_and_last_verified_becomes_today(client, facilities, mailoutbox):
    review.send_review_requests()
    url = path_of(link_from(mailoutbox[0]))

    page = client.get(url)
    assert page.status_code == 200 and facilities.name in page.content.decode()
    response = client.post(url, {"action": "confirm"})

    assert response.status_code == 302
    facilities.refresh_from_db()
    assert facilities.last_verified == timezone.localdate()
    assert ModelLogEntry.objects.filter(action="socialmap.review_confirmed", object_id=str(facilities.pk)).exists()
    assert client.get(response.url).status_code == 200


def test_correction_lands_as_a_draft_for_staff_and_nothing_is_published(client, facilities, mailoutbox):
    review.send_review_requests()
    url = path_of(link_from(mailoutbox[0]))
    live_revision = facilities.live_revision_id
    form = client.get(url).context["form"]
    data = {name: form[name].value() or "" for name in review.CORRECTABLE_FIELDS}
    data.update(action="correct", description="Nieuwe tekst: wij zijn verhuisd naar het Raadhuisplein.", note="Ook nieuwe openingstijden.", sender="Jan")

    response = client.post(url, data)

    assert response.status_code == 302
    facilities.refresh_from_db()
    assert facilities.description != data["description"]  # live text unchanged
    assert facilities.live_revision_id == live_revision  # nothing published
    assert facilities.has_unpublished_changes
    assert facilities.latest_revision.as_object().description == data["description"]
    staff_mail = mailoutbox[-1]
    assert staff_mail.to == ["redactie@dichtbij.example"] and "Ook nieuwe openingstijden." in staff_mail.body
    entry = ModelLogEntry.objects.get(action="socialmap.review_corrected", object_id=str(facilities.pk))
    assert entry.data["note"] == "Ook nieuwe openingstijden."


def test_correction_without_changes_asks_again_and_saves_nothing(client, facilities):
    url = reverse("socialmap:review", kwargs={"token": review.make_token(facilities)})
    form = client.get(url).context["form"]
    data = {name: form[name].value() or "" for name in review.CORRECTABLE_FIELDS}
    data["action"] = "correct"

    response = client.post(url, data)

    assert response.status_code == 200 and response.context["form"].non_field_errors()
    facilities.refresh_from_db()
    assert not facilities.has_unpublished_changes


def test_invalid_correction_keeps_what_was_typed(client, facilities):
    url = reverse("socialmap:review", kwargs={"token": review.make_token(facilities)})
    response = client.post(url, {"action": "correct", "name": facilities.name, "description": "Nieuw", "email": "geen-adres"})

    assert response.status_code == 200
    assert "geen-adres" in response.content.decode() and "Nieuw" in response.content.decode()


def test_tampered_token_is_refused(client, facilities):
    token = review.make_token(facilities)
    tampered = token[:-3] + ("abc" if not token.endswith("abc") else "xyz")

    response = client.get(reverse("socialmap:review", kwargs={"token": tampered}))

    assert response.status_code == 404
    assert client.post(reverse("socialmap:review", kwargs={"token": tampered}), {"action": "confirm"}).status_code == 404


def test_token_for_another_facility_cannot_be_forged(client, facilities):
    other = Facility.objects.exclude(pk=facilities.pk).first()
    forged = signing.TimestampSigner(salt="something-else").sign_object({"f": str(other.pk)}, compress=True)

    assert client.get(reverse("socialmap:review", kwargs={"token": forged})).status_code == 404


def test_expired_token_is_refused(client, facilities):
    token = review.make_token(facilities)

    review_max = review.TOKEN_MAX_AGE_DAYS
    review.TOKEN_MAX_AGE_DAYS = -1  # every token is older than this
    try:
        response = client.get(reverse("socialmap:review", kwargs={"token": token}))
        confirm = client.post(reverse("socialmap:review", kwargs={"token": token}), {"action": "confirm"})
    finally:
        review.TOKEN_MAX_AGE_DAYS = review_max

    assert response.status_code == 410 and confirm.status_code == 410
    facilities.refresh_from_db()
    assert facilities.last_verified != timezone.localdate()
