"""The community demo content: created by load_demo, idempotent, partners set up with moderation."""

import os

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def load():
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))


def snapshot():
    from django.contrib.auth.models import Group
    from wagtail.models import GroupPagePermission, Page, PageLogEntry, WorkflowPage

    return (
        list(Page.objects.order_by("path").values_list("path", "slug", "live", "latest_revision_id")),
        GroupPagePermission.objects.count(),
        WorkflowPage.objects.count(),
        Group.objects.count(),
        PageLogEntry.objects.count(),
    )


def test_demo_creates_news_events_newsletter_and_six_area_pages():
    from home.areas import AreaPage
    from home.events import EventPage
    from home.news import NewsPage
    from home.newsletter import NewsletterPage

    load()
    assert NewsPage.objects.live().count() >= 3
    kinds = set(EventPage.objects.values_list("kind", flat=True))
    assert {EventPage.ATELIER, EventPage.OVERLEG} <= kinds
    assert NewsletterPage.objects.live().count() == 1
    gebieden = AreaPage.objects.filter(area__kind="gebied")
    assert gebieden.count() == 6
    velden = gebieden.get(slug="de-velden")
    assert velden.figures and velden.agenda and velden.team


def test_demo_is_idempotent():
    load()
    before = snapshot()
    load()
    assert snapshot() == before


def test_demo_partner_can_post_in_their_area_only_and_has_no_password_outside_debug():
    from django.contrib.auth import get_user_model

    from home.areas import AreaPage
    from home.news import NewsIndexPage

    load()
    partner = get_user_model().objects.get(username="partner")
    assert not partner.has_usable_password()
    velden_news = NewsIndexPage.objects.get(slug="nieuws", depth__gt=3, title__contains="De Velden")
    monden = AreaPage.objects.get(slug="de-monden")
    assert velden_news.permissions_for_user(partner).can_add_subpage()
    assert not velden_news.permissions_for_user(partner).can_publish_subpage()
    assert not monden.get_children().get(slug="nieuws").permissions_for_user(partner).can_add_subpage()
    assert velden_news.get_workflow().name == "Moderatie partnerbijdragen"


def test_old_registrations_are_purged_after_three_months(home_page):
    from datetime import timedelta

    from django.utils import timezone

    from home.events import EventRegistration, purge_old_registrations
    from tests.home.community_factories import make_event, make_event_index

    index = make_event_index(home_page)
    old = make_event(index, "lang-geleden", days_ahead=-120)
    recent = make_event(index, "net-geweest", days_ahead=-10)
    EventRegistration.objects.create(event=old, name="A", email="a@example.nl")
    EventRegistration.objects.create(event=recent, name="B", email="b@example.nl")
    assert purge_old_registrations(now=timezone.now() + timedelta(seconds=1)) == 1
    assert list(EventRegistration.objects.values_list("email", flat=True)) == ["b@example.nl"]


def test_staff_see_the_community_snippets_with_a_send_button(client, home_page):
    from home.newsletter import NewsletterIssue
    from tests.factories import UserFactory

    issue = NewsletterIssue.objects.create(title="Nummer 1")
    client.force_login(UserFactory(username="red", groups=["Redacteur"]))
    html = client.get("/admin/snippets/home/newsletterissue/").content.decode()
    assert "Nummer 1" in html
    assert f"/admin/nieuwsbrief/{issue.pk}/versturen/" in html
    assert client.get("/admin/snippets/home/eventregistration/").status_code == 200
    # The subscribers' email addresses are not an editor's business: the send screen shows their number.
    assert client.get("/admin/snippets/home/newslettersubscriber/").status_code == 302


@pytest.mark.parametrize(
    "group, registrations, subscribers",
    [("Redacteur", 200, 302), ("Moderator", 302, 302), ("Partner", 302, 302), ("Beheerder", 200, 200)],
)
def test_only_those_who_need_them_see_registrations_and_subscribers(client, home_page, group, registrations, subscribers):
    from home.newsletter import NewsletterSubscriber
    from tests.factories import UserFactory

    NewsletterSubscriber.objects.create(email="bewoner@example.nl", status=NewsletterSubscriber.ACTIVE)
    client.force_login(UserFactory(username=f"user-{group.lower()}", groups=[group]))
    assert client.get("/admin/snippets/home/eventregistration/").status_code == registrations
    response = client.get("/admin/snippets/home/newslettersubscriber/")
    assert response.status_code == subscribers
    assert (b"bewoner@example.nl" in response.content) == (subscribers == 200)
