"""Events: listings and archive, registration with capacity and waiting list, cancel, mails, iCalendar."""

import threading
from datetime import timedelta

import icalendar
import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection, connections
from django.utils import timezone

from home.events import EventRegistration, cancel_registration, past_events, register_for_event, upcoming_events
from tests.home.community_factories import make_event, make_event_index

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def index(home_page):
    return make_event_index(home_page)


def sign_up(client, event, name="Anna de Vries", email="anna@example.nl", **extra):
    data = {"name": name, "email": email, "website": ""}
    data.update(extra)
    return client.post(event.url, data)


def test_upcoming_and_archive_split_on_the_end_time(client, index):
    soon = make_event(index, "zomerfeest", days_ahead=2)
    past = make_event(index, "geweest", days_ahead=-10)
    running = make_event(index, "bezig", start=timezone.now() - timedelta(hours=1), end=timezone.now() + timedelta(hours=1))
    make_event(index, "concept", publish=False)
    assert [e.slug for e in upcoming_events(index)] == [running.slug, soon.slug]
    assert [e.slug for e in past_events(index)] == [past.slug]
    upcoming_html = client.get(index.url).content.decode()
    assert "Zomerfeest" in upcoming_html and "Geweest" not in upcoming_html and "Concept" not in upcoming_html
    archive_html = client.get(index.url + "archief/").content.decode()
    assert "Geweest" in archive_html and "Zomerfeest" not in archive_html


def test_registration_confirms_and_mails_with_a_cancel_link(client, index):
    event = make_event(index, "atelier", capacity=10)
    response = sign_up(client, event)
    assert response.status_code == 302
    registration = EventRegistration.objects.get()
    assert registration.status == EventRegistration.CONFIRMED
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["anna@example.nl"]
    assert registration.cancel_url() in message.body
    assert "/ical/" in message.body
    page = client.get(response["Location"]).content.decode()
    assert "U bent aangemeld" in page


def test_registration_past_capacity_goes_to_the_waiting_list(client, index):
    event = make_event(index, "vol", capacity=1)
    sign_up(client, event, email="een@example.nl")
    response = sign_up(client, event, name="Bert", email="twee@example.nl")
    assert EventRegistration.objects.get(email="twee@example.nl").status == EventRegistration.WAITING
    assert "wachtlijst" in client.get(response["Location"]).content.decode()
    assert "wachtlijst" in mail.outbox[-1].subject


def test_cancelling_gives_the_place_to_the_first_on_the_waiting_list(client, index):
    event = make_event(index, "doorschuiven", capacity=1)
    first, _ = register_for_event(event, "Een", "een@example.nl")
    second, _ = register_for_event(event, "Twee", "twee@example.nl")
    third, _ = register_for_event(event, "Drie", "drie@example.nl")
    mail.outbox.clear()
    url = first.cancel_url().replace("http://testserver", "")
    assert client.get(url).status_code == 200  # GET only asks; mail scanners cannot cancel
    assert EventRegistration.objects.get(pk=first.pk).status == EventRegistration.CONFIRMED
    response = client.post(url)
    assert response.status_code == 200
    assert EventRegistration.objects.get(pk=first.pk).status == EventRegistration.CANCELLED
    assert EventRegistration.objects.get(pk=second.pk).status == EventRegistration.CONFIRMED
    assert EventRegistration.objects.get(pk=third.pk).status == EventRegistration.WAITING
    assert [m.to for m in mail.outbox] == [["twee@example.nl"]]
    # cancelling twice changes nothing
    cancel_registration(first)
    assert EventRegistration.objects.get(pk=third.pk).status == EventRegistration.WAITING


def test_unknown_cancel_token_is_not_found(client, index):
    event = make_event(index, "x")
    assert client.get(event.url + "afmelden/onzin/").status_code == 404


def test_signing_up_twice_keeps_one_registration_and_resends_the_details(client, index):
    event = make_event(index, "dubbel", capacity=5)
    sign_up(client, event, email="Anna@Example.nl")
    response = sign_up(client, event, email="anna@example.nl")
    assert EventRegistration.objects.count() == 1
    assert "al aangemeld" in client.get(response["Location"]).content.decode()
    assert len(mail.outbox) == 2


def test_invalid_email_gives_a_dutch_message_and_keeps_the_name(client, index):
    event = make_event(index, "fout")
    response = sign_up(client, event, name="Anna de Vries", email="anna-at-example")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Vul een geldig e-mailadres in" in html
    assert 'value="Anna de Vries"' in html
    assert 'value="anna-at-example"' in html
    assert EventRegistration.objects.count() == 0


def test_honeypot_sign_ups_are_dropped_silently(client, index):
    event = make_event(index, "spam")
    response = sign_up(client, event, website="http://spam.example")
    assert response.status_code == 302
    assert EventRegistration.objects.count() == 0
    assert mail.outbox == []


def test_rate_limit_stops_a_flood_without_an_error_page(client, index, settings):
    settings.COMMUNITY_RATE_LIMIT_COUNT = 3
    event = make_event(index, "vloed", capacity=100)
    for n in range(3):
        assert sign_up(client, event, email=f"p{n}@example.nl").status_code == 302
    response = sign_up(client, event, name="Vier", email="p3@example.nl")
    assert response.status_code == 200
    assert "te vaak" in response.content.decode()
    assert 'value="Vier"' in response.content.decode()
    assert EventRegistration.objects.count() == 3
    # another visitor is not affected
    assert sign_up(client, event, email="ander@example.nl", REMOTE_ADDR="10.0.0.9").status_code in (200, 302)


def test_rate_limit_keys_do_not_contain_the_ip_address(rf):
    from home.community import _client_key

    request = rf.post("/", REMOTE_ADDR="192.0.2.44")
    assert "192.0.2.44" not in _client_key(request, "event-registration")


def test_closed_and_past_events_refuse_registrations(client, index):
    closed = make_event(index, "dicht", registration_open=False)
    past = make_event(index, "voorbij", days_ahead=-3)
    for event in (closed, past):
        response = sign_up(client, event)
        assert response.status_code == 200
    assert EventRegistration.objects.count() == 0
    assert register_for_event(closed, "A", "a@example.nl") == (None, "closed")


def test_event_ical_file_parses_and_describes_the_event(client, index):
    event = make_event(index, "ical", title="3D-atelier december")
    response = client.get(event.url + "ical/")
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    vevent = events[0]
    assert str(vevent["SUMMARY"]) == "3D-atelier december"
    assert vevent.decoded("DTSTART") == event.start
    assert vevent.decoded("DTEND") == event.end
    assert "Hoofdstraat 1" in str(vevent["LOCATION"])
    assert str(vevent["URL"]).endswith(event.url)
    assert calendar["VERSION"] == "2.0" and "PRODID" in calendar


def test_calendar_feed_holds_live_events_with_unique_uids(client, index):
    make_event(index, "a")
    make_event(index, "b", days_ahead=14)
    make_event(index, "concept", publish=False)
    calendar = icalendar.Calendar.from_ical(client.get(index.url + "ical/").content)
    events = calendar.walk("VEVENT")
    assert sorted(str(e["SUMMARY"]) for e in events) == ["A", "B"]
    assert len({str(e["UID"]) for e in events}) == 2


def test_event_end_before_start_is_refused(index):
    from django.core.exceptions import ValidationError

    event = make_event(index, "omgekeerd")
    event.end = event.start - timedelta(hours=1)
    with pytest.raises(ValidationError):
        event.full_clean()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_sign_ups_never_exceed_capacity(home_page):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises writers itself")
    index = make_event_index(home_page)
    event = make_event(index, "druk", capacity=3)
    barrier = threading.Barrier(10)
    errors = []

    def worker(n):
        try:
            barrier.wait()
            register_for_event(event, f"Persoon {n}", f"p{n}@example.nl")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert EventRegistration.objects.filter(status=EventRegistration.CONFIRMED).count() == 3
    assert EventRegistration.objects.filter(status=EventRegistration.WAITING).count() == 7
