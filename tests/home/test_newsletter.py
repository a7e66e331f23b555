"""Newsletter: double opt-in, double subscription, invalid input, spam, one-click unsubscribe,
background sending in batches that never mails anyone twice, and the online archive."""

import re

import pytest
from django.core import mail
from django.core.cache import cache

from home.community import make_token
from home.newsletter import (
    CONFIRM_SALT,
    NewsletterDelivery,
    NewsletterIssue,
    NewsletterSubscriber,
    confirm_subscription,
    send_issue_batches,
    start_sending,
    unsubscribe,
)
from tests.factories import UserFactory
from tests.home.community_factories import make_news, make_news_index, make_newsletter_page

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def page(home_page):
    return make_newsletter_page(home_page)


def links_in(message):
    return re.findall(r"http://testserver(/\S+)", message.body)


def subscribe(client, page, email="lid@example.nl", **extra):
    data = {"email": email, "website": ""}
    data.update(extra)
    return client.post(page.url, data)


def active(email="lid@example.nl"):
    return NewsletterSubscriber.objects.create(email=email, status=NewsletterSubscriber.ACTIVE)


def test_double_opt_in_subscribes_only_after_the_confirm_link(client, page):
    response = subscribe(client, page)
    assert response.status_code == 200
    assert "Kijk in uw e-mail" in response.content.decode()
    subscriber = NewsletterSubscriber.objects.get()
    assert subscriber.status == NewsletterSubscriber.PENDING
    assert len(mail.outbox) == 1
    confirm = next(link for link in links_in(mail.outbox[0]) if "/bevestigen/" in link)
    html = client.get(confirm).content.decode()
    assert "Uw inschrijving is bevestigd" in html
    subscriber.refresh_from_db()
    assert subscriber.status == NewsletterSubscriber.ACTIVE and subscriber.confirmed_at
    # clicking again is harmless
    assert "was al bevestigd" in client.get(confirm).content.decode()


def test_forged_or_expired_confirm_tokens_are_refused(client, page):
    subscribe(client, page)
    assert confirm_subscription("nep") == "invalid"
    assert confirm_subscription(make_token("lid@example.nl", "other")) == "invalid"
    assert confirm_subscription(make_token("lid@example.nl", CONFIRM_SALT)) == "confirmed"
    NewsletterSubscriber.objects.update(status=NewsletterSubscriber.PENDING)
    html = client.get(page.url + "bevestigen/nep/").content.decode()
    assert "klopt niet of is verlopen" in html
    assert NewsletterSubscriber.objects.get().status == NewsletterSubscriber.PENDING


def test_subscribing_twice_keeps_one_subscriber_and_says_the_same(client, page):
    active("lid@example.nl")
    response = subscribe(client, page, email="lid@EXAMPLE.nl")
    assert response.status_code == 200
    assert "Kijk in uw e-mail" in response.content.decode()
    assert NewsletterSubscriber.objects.count() == 1
    assert NewsletterSubscriber.objects.get().status == NewsletterSubscriber.ACTIVE
    assert "al ingeschreven" in mail.outbox[0].subject
    # a pending address gets a fresh confirmation mail, not a second row
    subscribe(client, page, email="nieuw@example.nl")
    subscribe(client, page, email="nieuw@example.nl")
    assert NewsletterSubscriber.objects.filter(email="nieuw@example.nl").count() == 1
    assert len(mail.outbox) == 3


def test_invalid_email_gets_a_clear_dutch_message_and_keeps_the_input(client, page):
    response = subscribe(client, page, email="lid@@example")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Dit is geen geldig e-mailadres" in html
    assert 'value="lid@@example"' in html
    assert 'role="alert"' in html
    assert NewsletterSubscriber.objects.count() == 0 and mail.outbox == []


def test_honeypot_subscriptions_store_and_send_nothing(client, page):
    response = subscribe(client, page, website="bot")
    assert response.status_code == 200
    assert NewsletterSubscriber.objects.count() == 0 and mail.outbox == []


def test_rate_limit_on_subscriptions(client, page, settings):
    settings.COMMUNITY_RATE_LIMIT_COUNT = 2
    subscribe(client, page, email="a@example.nl")
    subscribe(client, page, email="b@example.nl")
    response = subscribe(client, page, email="c@example.nl")
    assert "te vaak" in response.content.decode()
    assert 'value="c@example.nl"' in response.content.decode()
    assert not NewsletterSubscriber.objects.filter(email="c@example.nl").exists()


def test_one_click_unsubscribe_from_the_mail(client, page):
    subscriber = active()
    url = page.url + f"afmelden/{subscriber.unsubscribe_token}/"
    assert "U bent uitgeschreven" in client.get(url).content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == NewsletterSubscriber.UNSUBSCRIBED
    assert "al uitgeschreven" in client.get(url).content.decode()
    assert unsubscribe("nep") == "invalid_unsubscribe"
    # RFC 8058 one-click: mail programs POST to the same link
    other = active("ander@example.nl")
    client.post(page.url + f"afmelden/{other.unsubscribe_token}/")
    other.refresh_from_db()
    assert other.status == NewsletterSubscriber.UNSUBSCRIBED


def test_resubscribing_after_unsubscribing_needs_a_new_confirmation(client, page):
    subscriber = NewsletterSubscriber.objects.create(email="lid@example.nl", status=NewsletterSubscriber.UNSUBSCRIBED)
    subscribe(client, page)
    subscriber.refresh_from_db()
    assert subscriber.status == NewsletterSubscriber.PENDING


@pytest.fixture
def issue(home_page):
    index = make_news_index(home_page)
    live = make_news(index, "goed-nieuws", title="Goed nieuws")
    draft = make_news(index, "concept", title="Geheim concept", publish=False)
    return NewsletterIssue.objects.create(
        title="Nieuwsbrief december", introduction="Fijne feestdagen.", news_items=[("news", live), ("news", draft)]
    )


def test_issue_goes_to_active_subscribers_only_with_an_unsubscribe_link(page, issue):
    for n in range(5):
        active(f"lid{n}@example.nl")
    NewsletterSubscriber.objects.create(email="wacht@example.nl", status=NewsletterSubscriber.PENDING)
    NewsletterSubscriber.objects.create(email="weg@example.nl", status=NewsletterSubscriber.UNSUBSCRIBED)
    sent = send_issue_batches(issue.pk, batch_size=2)
    assert sent == 5
    assert sorted(m.to[0] for m in mail.outbox) == [f"lid{n}@example.nl" for n in range(5)]
    message = mail.outbox[0]
    assert "Goed nieuws" in message.body and "Geheim concept" not in message.body
    assert "/afmelden/" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.SENT and issue.sent_at


def test_sending_again_never_mails_anyone_twice(page, issue):
    first = active("een@example.nl")
    send_issue_batches(issue.pk)
    active("twee@example.nl")
    # a re-run (after a crash, or a double click) only reaches the new subscriber
    send_issue_batches(issue.pk)
    assert [m.to[0] for m in mail.outbox] == ["een@example.nl", "twee@example.nl"]
    assert NewsletterDelivery.objects.filter(subscriber=first).count() == 1


def test_staff_send_from_the_admin_through_the_background_task(client, page, issue):
    active()
    editor = UserFactory(username="redacteur", groups=["Redacteur"])
    client.force_login(editor)
    url = f"/admin/nieuwsbrief/{issue.pk}/versturen/"
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["lid@example.nl"]]
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.SENT
    client.post(url)  # second click: nothing more
    assert len(mail.outbox) == 1


def test_partners_cannot_send_the_newsletter(client, page, issue):
    partner = UserFactory(username="partner1", groups=["Partner"])
    client.force_login(partner)
    assert client.post(f"/admin/nieuwsbrief/{issue.pk}/versturen/").status_code in (302, 403)
    assert mail.outbox == []
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.DRAFT


def test_start_sending_uses_django_tasks(page, issue):
    active()
    result = start_sending(issue)
    assert result.return_value == 1


def test_online_archive_shows_sent_issues_only(client, page, issue):
    active()
    NewsletterIssue.objects.create(title="Nog niet verstuurd")
    send_issue_batches(issue.pk)
    html = client.get(page.url).content.decode()
    assert "Nieuwsbrief december" in html and "Nog niet verstuurd" not in html
    issue_html = client.get(page.url + f"nummer/{issue.pk}/").content.decode()
    assert "Goed nieuws" in issue_html and "Geheim concept" not in issue_html
    draft = NewsletterIssue.objects.get(title="Nog niet verstuurd")
    assert client.get(page.url + f"nummer/{draft.pk}/").status_code == 404
