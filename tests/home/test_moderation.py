"""Partners' posts go through the moderation workflow: nothing of a partner is public before a moderator
approves it; rejection sends it back; partners can never publish; notifications go out by email."""

import pytest
from django.core import mail
from django.urls import reverse
from wagtail.models import Page, WorkflowState
from wagtail.test.utils.form_data import nested_form_data, streamfield

from home.groups import MODERATOR, PARTNER
from home.moderation import WORKFLOW_NAME, assign_partner_workflow, grant_partner_section, partner_area_group
from home.news import NewsPage, news_items
from tests.factories import UserFactory
from tests.home.community_factories import make_area_index, make_area_page, make_event_index, make_news_index

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(home_page):
    from socialmap.models import Area

    velden = Area.objects.get(slug="de-velden")
    main_news = make_news_index(home_page, show_all_news=True)
    assign_partner_workflow(main_news)
    area_page = make_area_page(make_area_index(home_page), velden)
    section = make_news_index(area_page, title="Nieuws uit De Velden")
    events = make_event_index(area_page, title="Activiteiten in De Velden")
    group = partner_area_group(velden)
    for page in (section, events):
        grant_partner_section(group, page)
    partner = UserFactory(username="buurthuis", email="buurthuis@example.nl", groups=[PARTNER, group.name])
    moderator = UserFactory(username="mod", email="moderator@example.nl", groups=[MODERATOR])
    return {"main": main_news, "section": section, "events": events, "partner": partner, "moderator": moderator, "area": velden}


def news_form(title, slug, action):
    data = nested_form_data(
        {
            "title": title,
            "slug": slug,
            "date": "2026-11-20",
            "introduction": "Een bericht van een partner.",
            "image_alt": "",
            "body": streamfield([]),
            "seo_title": "",
            "search_description": "",
        }
    )
    data[action] = "1"
    return data


def submit_as_partner(client, setup, title="Buurtfeest", slug="buurtfeest"):
    client.force_login(setup["partner"])
    url = reverse("wagtailadmin_pages:add", args=["home", "newspage", setup["section"].pk])
    response = client.post(url, news_form(title, slug, "action-submit"))
    assert response.status_code == 302, response.content.decode()[:2000]
    return NewsPage.objects.get(slug=slug)


def public_urls_show(client, page, setup):
    client.logout()
    feed = client.get(setup["main"].url + "rss/").content.decode()
    sitemap = client.get("/sitemap.xml").content.decode()
    listing = client.get(setup["main"].url).content.decode()
    return {
        "page": client.get(page.url).status_code,
        "feed": page.slug in feed,
        "sitemap": page.slug in sitemap,
        "listing": page.title in listing,
        "service": page.pk in [p.pk for p in news_items(setup["main"])],
    }


def test_the_moderation_workflow_exists_for_the_moderator_group(setup):
    from wagtail.models import Workflow

    workflow = Workflow.objects.get(name=WORKFLOW_NAME)
    task = workflow.tasks.get().specific
    assert [g.name for g in task.groups.all()] == [MODERATOR]
    assert setup["section"].get_workflow() == workflow


def test_partner_submission_stays_private_until_a_moderator_approves(client, setup):
    page = submit_as_partner(client, setup)
    assert not page.live
    assert page.owner == setup["partner"]
    assert page.area == setup["area"]
    state = WorkflowState.objects.get(base_content_type__isnull=False, object_id=str(page.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    # the moderator hears about it by email
    assert any("moderator@example.nl" in m.to for m in mail.outbox)

    seen = public_urls_show(client, page, setup)
    assert seen == {"page": 404, "feed": False, "sitemap": False, "listing": False, "service": False}

    client.force_login(setup["moderator"])
    mail.outbox.clear()
    task_state = state.current_task_state
    response = client.post(reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk]), {"comment": ""})
    assert response.status_code in (200, 302)
    page.refresh_from_db()
    assert page.live
    assert any("buurthuis@example.nl" in m.to for m in mail.outbox)  # the partner hears it was approved

    seen = public_urls_show(client, page, setup)
    assert seen == {"page": 200, "feed": True, "sitemap": True, "listing": True, "service": True}


def test_rejected_partner_post_is_sent_back_and_stays_private(client, setup):
    page = submit_as_partner(client, setup, title="Twijfelachtig", slug="twijfelachtig")
    state = WorkflowState.objects.get(object_id=str(page.pk))
    client.force_login(setup["moderator"])
    mail.outbox.clear()
    client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "reject", state.current_task_state.pk]),
        {"comment": "Graag zonder reclame."},
    )
    state.refresh_from_db()
    page.refresh_from_db()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert not page.live
    assert any("buurthuis@example.nl" in m.to for m in mail.outbox)
    seen = public_urls_show(client, page, setup)
    assert seen["page"] == 404 and not seen["feed"] and not seen["listing"]


def test_partner_cannot_publish_directly(client, setup):
    client.force_login(setup["partner"])
    url = reverse("wagtailadmin_pages:add", args=["home", "newspage", setup["section"].pk])
    client.post(url, news_form("Meteen live", "meteen-live", "action-publish"))
    page = NewsPage.objects.filter(slug="meteen-live").first()
    assert page is None or not page.live
    assert not setup["section"].permissions_for_user(setup["partner"]).can_publish_subpage()


def test_partner_cannot_post_outside_their_area_section(client, setup):
    client.force_login(setup["partner"])
    url = reverse("wagtailadmin_pages:add", args=["home", "newspage", setup["main"].pk])
    response = client.get(url)
    assert response.status_code in (302, 403)
    assert not setup["main"].permissions_for_user(setup["partner"]).can_add_subpage()
    assert setup["events"].permissions_for_user(setup["partner"]).can_add_subpage()


def test_partner_sees_their_own_items_on_the_dashboard(client, setup):
    submit_as_partner(client, setup, title="Mijn eigen bericht", slug="mijn-eigen-bericht")
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Mijn bijdragen" in html
    assert "Mijn eigen bericht" in html
    assert "Wacht op beoordeling" in html


def test_partner_cannot_edit_someone_elses_page(client, setup):
    other = NewsPage(title="Van de gemeente", slug="van-de-gemeente", live=True)
    setup["section"].add_child(instance=other)
    client.force_login(setup["partner"])
    response = client.get(reverse("wagtailadmin_pages:edit", args=[other.pk]))
    assert response.status_code in (302, 403)
    assert Page.objects.get(pk=other.pk).live
