"""Staff admin of the social map: menu and listings with filters, group permissions, partner scoping,
preview, and the import screen (trial run first, then confirm)."""

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from wagtail.models import WorkflowContentType

from home.groups import PARTNER, REDACTEUR
from socialmap import hsds
from socialmap.models import Area, Facility, Organisation, OrganisationMembership, ServiceAtLocation
from tests.factories import UserFactory

DATA = Path(__file__).resolve().parent / "data" / "hsds_small.json"
LIST_URL = "wagtailsnippets_socialmap_facility:list"
EDIT_URL = "wagtailsnippets_socialmap_facility:edit"


@pytest.fixture
def records(db):
    records = json.loads(DATA.read_text(encoding="utf-8"))
    assert hsds.import_services(records).ok
    return records


@pytest.fixture
def redacteur(db):
    return UserFactory(username="redacteur", groups=[REDACTEUR])


@pytest.fixture
def partner(records):
    user = UserFactory(username="partner", groups=[PARTNER])
    own = Facility.objects.get(pk=records[0]["id"]).organisation  # Gemeente Emmen
    OrganisationMembership.objects.create(user=user, organisation=own)
    return user


def listing(client, **params):
    response = client.get(reverse(LIST_URL), params)
    assert response.status_code == 200
    return response.content.decode()


def test_groups_get_their_social_map_permissions(redacteur, db):
    partner = UserFactory(username="p2", groups=[PARTNER])
    assert redacteur.has_perm("socialmap.publish_facility") and redacteur.has_perm("socialmap.add_organisation")
    assert redacteur.has_perm("socialmap.change_area") and redacteur.has_perm("socialmap.add_organisationmembership")
    assert partner.has_perm("socialmap.change_facility") and partner.has_perm("socialmap.view_facility")
    assert not partner.has_perm("socialmap.add_facility") and not partner.has_perm("socialmap.publish_facility")


def test_facilities_organisations_and_locations_have_a_moderation_workflow(db):
    models = {wct.content_type.model for wct in WorkflowContentType.objects.filter(content_type__app_label="socialmap")}
    assert {"facility", "organisation", "location"} <= models


def test_staff_sees_all_facilities_with_organisation_status_and_check_columns(client, redacteur, records):
    client.force_login(redacteur)

    html = listing(client)

    for record in records:
        assert record["name"].split(":")[0] in html
    assert "Gemeente Emmen" in html


def test_sociale_kaart_menu_groups_the_snippets(client, redacteur, records):
    client.force_login(redacteur)

    html = client.get(reverse("wagtailadmin_home")).content.decode()

    assert "Sociale kaart" in html or "Social map" in html
    for name in ("organisation", "location", "taxonomyterm", "area"):
        assert client.get(reverse(f"wagtailsnippets_socialmap_{name}:list")).status_code == 200


def test_listing_filters_by_review_due_levensdomein_area_and_status(client, redacteur, records):
    client.force_login(redacteur)
    today = timezone.localdate()
    Facility.objects.update(last_verified=today)
    due = Facility.objects.get(pk=records[1]["id"])
    Facility.objects.filter(pk=due.pk).update(last_verified=today - timedelta(days=400))
    Facility.objects.filter(pk=records[3]["id"]).update(status=Facility.TEMPORARILY_CLOSED)

    html = listing(client, review_due="true")
    assert due.name in html and "Sociaal Loket" not in html

    levensdomein = Facility.objects.get(pk=records[0]["id"]).terms.get(taxonomy="levensdomein")
    html = listing(client, levensdomein=str(levensdomein.pk))
    assert "Sociaal Loket" in html and "Tafeltje Dekje" not in html

    velden = Area.objects.get(slug="de-velden")
    html = listing(client, area=str(velden.pk))
    assert due.name in html and "Sociaal Loket" not in html

    html = listing(client, status=Facility.TEMPORARILY_CLOSED)
    assert Facility.objects.get(pk=records[3]["id"]).name in html and "Sociaal Loket" not in html


def test_partner_sees_and_edits_only_facilities_of_their_own_organisation(client, partner, records):
    client.force_login(partner)
    own = Facility.objects.get(pk=records[0]["id"])
    other = Facility.objects.exclude(organisation=own.organisation).first()

    html = listing(client)
    assert own.name in html and other.name not in html

    assert client.get(reverse(EDIT_URL, args=[own.pk])).status_code == 200
    for view in ("edit", "history", "delete", "usage"):
        assert_denied(client.get(reverse(f"wagtailsnippets_socialmap_facility:{view}", args=[other.pk])))


def assert_denied(response):
    """Wagtail's admin answers PermissionDenied with a redirect to the dashboard (and a message)."""
    assert response.status_code in (302, 403), response.status_code
    if response.status_code == 302:
        assert response.url == reverse("wagtailadmin_home")


def test_partner_change_is_saved_as_draft_and_not_published(client, partner, records):
    client.force_login(partner)
    own = Facility.objects.get(pk=records[0]["id"])
    ServiceAtLocation.objects.filter(facility=own).update(opening_hours=[])  # keeps the POST below simple
    response = client.get(reverse(EDIT_URL, args=[own.pk]))
    form = response.context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None:
            continue
        data[name] = value
    # Inline formsets (phones, locations) as they are.
    for prefix, formset in form.formsets.items():
        data[f"{prefix}-TOTAL_FORMS"] = formset.total_form_count()
        data[f"{prefix}-INITIAL_FORMS"] = formset.initial_form_count()
        data[f"{prefix}-MIN_NUM_FORMS"] = 0
        data[f"{prefix}-MAX_NUM_FORMS"] = 1000
        for i, subform in enumerate(formset.forms):
            for name in subform.fields:
                value = subform[name].value()
                if value is None:
                    continue
                if name == "opening_hours":
                    data[f"{prefix}-{i}-{name}-count"] = 0
                    continue
                data[f"{prefix}-{i}-{name}"] = value
    data["name"] = "Sociaal Loket (nieuw)"
    data["action-publish"] = "action-publish"  # a partner cannot publish: this must not take effect

    response = client.post(reverse(EDIT_URL, args=[own.pk]), data)

    assert response.status_code in (200, 302)
    own.refresh_from_db()
    assert own.name == "Sociaal Loket"  # the live version is unchanged
    assert own.has_unpublished_changes
    assert own.latest_revision.as_object().name == "Sociaal Loket (nieuw)"


def test_partner_cannot_move_a_facility_to_another_organisation(partner, records):
    from socialmap.forms import FacilityAdminForm

    own = Facility.objects.get(pk=records[0]["id"])
    other_org = Organisation.objects.exclude(pk=own.organisation_id).first()
    form_class = Facility.snippet_viewset.get_edit_handler().get_form_class()
    assert issubclass(form_class, FacilityAdminForm)
    form = form_class(instance=own, for_user=partner)
    form.cleaned_data = {"organisation": other_org}
    with pytest.raises(Exception) as exc:
        form.clean_organisation()
    assert "organisatie" in str(exc.value) or "organisation" in str(exc.value)


def test_partner_without_membership_sees_no_facilities(client, records):
    lonely = UserFactory(username="lonely", groups=[PARTNER])
    client.force_login(lonely)

    html = listing(client)

    assert "Sociaal Loket" not in html


def test_preview_looks_like_the_public_rendering(records):
    facility = Facility.objects.get(pk=records[0]["id"])
    request = RequestFactory().get("/")
    request.user = UserFactory(username="viewer")

    response = facility.make_preview_request(request)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1 class=\"utrecht-heading-1\">Sociaal Loket</h1>" in html
    assert "Noorderplein 1" in html and "tel:0591685500" in html


def upload(client, name, content, **extra):
    return client.post(reverse("socialmap_import"), {"file": SimpleUploadedFile(name, content), **extra})


def test_import_screen_shows_a_trial_run_first_and_imports_after_confirmation(client, redacteur):
    client.force_login(redacteur)
    content = DATA.read_bytes()

    response = upload(client, "kaart.json", content)

    assert response.status_code == 200
    assert Facility.objects.count() == 0
    token = response.context["token"]
    assert token and "proefimport" in response.content.decode() or "trial run" in response.content.decode()

    response = client.post(reverse("socialmap_import"), {"confirm": "1", "token": token})

    assert response.status_code == 200
    assert Facility.objects.count() == len(json.loads(content))
    assert Facility.objects.filter(live=True).count() == Facility.objects.count()
    # The stored upload is gone: the same confirmation cannot run twice.
    again = client.post(reverse("socialmap_import"), {"confirm": "1", "token": token})
    assert again.status_code == 302


def test_import_screen_lists_errors_and_offers_no_confirmation(client, redacteur):
    client.force_login(redacteur)
    records = json.loads(DATA.read_text(encoding="utf-8"))
    records[1]["status"] = "open"

    response = upload(client, "kaart.json", json.dumps(records).encode())

    html = response.content.decode()
    assert response.context["token"] == ""
    assert "Record 2" in html and "status" in html
    assert Facility.objects.count() == 0


def test_import_screen_takes_csv(client, redacteur, db):
    client.force_login(redacteur)
    csv_text = "name,organisation_name,description,levensdomein\nInloop De Schakel,Welzijn Emmen,Koffie en een praatje.,meedoen-ontmoeten\n"

    response = upload(client, "kaart.csv", csv_text.encode())
    client.post(reverse("socialmap_import"), {"confirm": "1", "token": response.context["token"]})

    assert Facility.objects.get(name="Inloop De Schakel").live


def test_import_screen_is_for_staff_who_may_publish(client, partner):
    client.force_login(partner)

    assert_denied(client.get(reverse("socialmap_import")))
    assert_denied(upload(client, "kaart.json", b"[]"))


def test_review_due_uses_the_interval(records):
    facility = Facility.objects.get(pk=records[0]["id"])
    facility.review_interval_days = 30
    facility.last_verified = date.today() - timedelta(days=31)
    assert facility.review_due
