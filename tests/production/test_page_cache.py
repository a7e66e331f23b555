"""The full-page cache for anonymous visitors (operations/pagecache.py): what it serves, what it never
stores, and that content changes reach visitors at once."""

import re

import pytest
from django.core.cache import caches
from django.test import Client
from wagtail.models import PageViewRestriction

from home.models import FormField, FormPage, ThemeSettings
from operations import pagecache
from tests.factories import UserFactory, add_page, make_content_page

pytestmark = pytest.mark.django_db

LOCMEM = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.CACHES = {"default": LOCMEM, "pages": {**LOCMEM, "LOCATION": "test-pages"}}
    settings.PAGE_CACHE_ENABLED = True
    settings.PAGE_CACHE_STAMP_FILE = None
    caches["pages"].clear()
    yield
    caches["pages"].clear()


@pytest.fixture
def page(home_page):
    return make_content_page(home_page, title="Mantelzorg", slug="mantelzorg")


def test_second_anonymous_request_is_served_from_the_cache_without_queries(page, django_assert_num_queries):
    client = Client()
    first = client.get(page.url)
    assert first.status_code == 200 and first[pagecache.HEADER] == "miss"
    with django_assert_num_queries(0):
        second = client.get(page.url)
    assert second[pagecache.HEADER] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


def test_a_cached_page_keeps_the_strict_security_headers(page):
    client = Client()
    client.get(page.url)
    hit = client.get(page.url)
    assert hit[pagecache.HEADER] == "hit"
    assert "script-src 'self'" in hit["Content-Security-Policy"] and "unsafe-inline" not in hit["Content-Security-Policy"]
    assert hit["X-Frame-Options"] == "DENY" and "geolocation" in hit["Permissions-Policy"]
    assert not hit.cookies


def test_publishing_a_page_clears_the_cache(page, django_capture_on_commit_callbacks):
    client = Client()
    client.get(page.url)
    assert client.get(page.url)[pagecache.HEADER] == "hit"
    page.title = "Mantelzorg en respijtzorg"
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    response = client.get(page.url)
    assert response[pagecache.HEADER] == "miss"
    assert "Mantelzorg en respijtzorg" in response.content.decode()


def test_a_new_page_shows_in_the_menu_of_cached_pages(home_page, page, django_capture_on_commit_callbacks):
    client = Client()
    client.get(home_page.url)
    with django_capture_on_commit_callbacks(execute=True):
        make_content_page(home_page, title="Schuldhulp", slug="schuldhulp", show_in_menus=True)
    assert "Schuldhulp" in client.get(home_page.url).content.decode()


def test_unpublishing_a_page_clears_the_cache(page, django_capture_on_commit_callbacks):
    client = Client()
    client.get(page.url)
    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    assert client.get(page.url).status_code == 404


def test_making_a_page_private_clears_the_cache(page, django_capture_on_commit_callbacks):
    client = Client()
    client.get(page.url)
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    response = client.get(page.url)
    assert response.status_code == 302 and "Mantelzorg" not in response.content.decode()


def test_saving_site_settings_clears_the_cache(page, django_capture_on_commit_callbacks):
    client = Client()
    client.get(page.url)
    theme = ThemeSettings.for_site(page.get_site())
    theme.municipality_name = "Gemeente Coevorden"
    with django_capture_on_commit_callbacks(execute=True):
        theme.save()
    assert "Gemeente Coevorden" in client.get(page.url).content.decode()


def test_nothing_is_cleared_before_the_change_is_committed(page, django_capture_on_commit_callbacks):
    client = Client()
    client.get(page.url)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        page.save_revision().publish()
    # Until the commit, a request still reads the old content: it must not be stored as new.
    assert client.get(page.url)[pagecache.HEADER] == "hit"
    assert callbacks


def test_a_logged_in_user_is_never_served_a_cached_page_nor_stores_one(page):
    anonymous = Client()
    anonymous.get(page.url)
    assert anonymous.get(page.url)[pagecache.HEADER] == "hit"

    editor = Client()
    editor.force_login(UserFactory(username="redacteur"))
    response = editor.get(page.url)
    assert response.status_code == 200 and response[pagecache.HEADER] == "skip"

    caches["pages"].clear()
    editor.get(page.url)
    assert anonymous.get(page.url)[pagecache.HEADER] == "miss"


@pytest.fixture
def form_page(home_page):
    form_page = FormPage(title="Contact", slug="contact", to_address="redactie@example.nl", from_address="noreply@example.nl", subject="Vraag")
    add_page(home_page, form_page)
    FormField.objects.create(page=form_page, label="Uw vraag", field_type="multiline", required=True)
    return form_page


def _csrf_values(response):
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())


def test_a_form_page_is_shared_but_every_visitor_gets_a_csrf_token_of_their_own(form_page, django_assert_num_queries):
    from django.middleware.csrf import _unmask_cipher_token

    first_visitor, second_visitor = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first = first_visitor.get(form_page.url)
    assert first.status_code == 200 and first[pagecache.HEADER] == "miss"
    stored = next(iter(caches["pages"]._cache.values()))
    assert pagecache.CSRF_PLACEHOLDER in stored and first_visitor.cookies["csrftoken"].value.encode() not in stored
    assert all(token.encode() not in stored for token in _csrf_values(first))

    with django_assert_num_queries(0):
        second = second_visitor.get(form_page.url)
    assert second[pagecache.HEADER] == "hit"
    secret = second_visitor.cookies["csrftoken"].value
    assert secret != first_visitor.cookies["csrftoken"].value
    tokens = _csrf_values(second)
    assert tokens and all(_unmask_cipher_token(token) == secret for token in tokens)
    assert pagecache.CSRF_PLACEHOLDER.decode() not in second.content.decode()
    assert "Cookie" in second["Vary"]

    # The token the hit gave works: the form can be sent.
    sent = second_visitor.post(form_page.url, {"csrfmiddlewaretoken": tokens[0], "uw_vraag": "Waar vind ik hulp?"})
    assert sent.status_code in (200, 302) and sent[pagecache.HEADER] == "skip"
    # Another visitor's token is refused, as without the cache.
    assert Client(enforce_csrf_checks=True).post(form_page.url, {"csrfmiddlewaretoken": tokens[0]}).status_code == 403


def test_a_returning_visitor_keeps_their_csrf_cookie_on_a_cached_form_page(form_page):
    from django.middleware.csrf import _unmask_cipher_token

    Client().get(form_page.url)
    visitor = Client()
    visitor.cookies["csrftoken"] = "a" * 32
    hit = visitor.get(form_page.url)
    assert hit[pagecache.HEADER] == "hit"
    assert all(_unmask_cipher_token(token) == "a" * 32 for token in _csrf_values(hit))


def test_a_form_page_with_the_secret_itself_in_it_is_not_stored(form_page, rf):
    from django.http import HttpResponse

    request = rf.get("/contact/")
    request.META["CSRF_COOKIE"] = "b" * 32
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    assert pagecache.shareable_content(request, HttpResponse("<p>" + "b" * 32 + "</p>")) is None
    odd_field = HttpResponse('<input name="csrfmiddlewaretoken" value="not-a-token-of-this-visitor">')
    assert pagecache.shareable_content(request, odd_field) is None
    assert pagecache.response_is_cacheable(request, odd_field) == (False, "csrf token")


def test_posts_and_account_pages_never_touch_the_cache(page):
    client = Client()
    assert client.post(page.url, {"x": "1"})[pagecache.HEADER] == "skip"
    assert client.get("/account/inloggen/")[pagecache.HEADER] == "skip"
    assert client.get("/aanvragen/")[pagecache.HEADER] == "skip"


def test_dutch_and_english_are_cached_separately(page):
    dutch, english = Client(), Client()
    english.cookies["dichtbij_language"] = "en"
    assert dutch.get(page.url)[pagecache.HEADER] == "miss"
    first_english = english.get(page.url)
    assert first_english[pagecache.HEADER] == "miss"
    assert '<html lang="en"' in first_english.content.decode()
    second_english = english.get(page.url)
    assert second_english[pagecache.HEADER] == "hit" and '<html lang="en"' in second_english.content.decode()
    second_dutch = dutch.get(page.url)
    assert second_dutch[pagecache.HEADER] == "hit" and '<html lang="nl"' in second_dutch.content.decode()


def test_query_strings_are_part_of_the_key_with_a_shorter_lifetime(page, settings):
    client = Client()
    assert client.get(page.url + "?a=1")[pagecache.HEADER] == "miss"
    assert client.get(page.url + "?a=2")[pagecache.HEADER] == "miss"
    assert client.get(page.url + "?a=1")[pagecache.HEADER] == "hit"
    request = Client().get(page.url + "?a=1").wsgi_request
    assert pagecache.timeout_for(request, Client().get(page.url)) == settings.PAGE_CACHE_QUERY_SECONDS


def test_a_cached_search_is_still_counted_in_the_query_log(home_page):
    from search.models import SearchQuery

    make_content_page(home_page, title="Mantelzorg", slug="mantelzorg", introduction="Hulp voor mantelzorgers.")
    client = Client()
    for _ in range(3):
        client.get("/zoeken/", {"q": "mantelzorg"})
    assert client.get("/zoeken/", {"q": "mantelzorg"})[pagecache.HEADER] == "hit"
    assert SearchQuery.objects.get(query="mantelzorg").count == 4


def test_a_session_cookie_bypasses_the_cache(page):
    client = Client()
    client.get(page.url)
    client.cookies["sessionid"] = "whatever"
    assert client.get(page.url)[pagecache.HEADER] == "skip"


def test_the_stamp_file_carries_a_clear_to_every_worker_process(page, settings, tmp_path):
    settings.PAGE_CACHE_STAMP_FILE = str(tmp_path / "pages.stamp")
    before = pagecache.current_generation()
    pagecache.invalidate()
    after = pagecache.current_generation()
    pagecache.invalidate()
    assert before != after != pagecache.current_generation()
    client = Client()
    client.get(page.url)
    assert client.get(page.url)[pagecache.HEADER] == "hit"
    pagecache.invalidate()
    assert client.get(page.url)[pagecache.HEADER] == "miss"


def test_a_broken_cache_backend_still_serves_pages(page, settings):
    settings.CACHES = {"default": LOCMEM, "pages": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                                   "LOCATION": "redis://127.0.0.1:1/0",
                                                   "OPTIONS": {"socket_connect_timeout": 0.2}}}
    response = Client().get(page.url)
    settings.CACHES = {"default": LOCMEM, "pages": {**LOCMEM, "LOCATION": "test-pages"}}
    assert response.status_code == 200 and "Mantelzorg" in response.content.decode()


def test_the_page_cache_is_off_unless_enabled(page, settings):
    settings.PAGE_CACHE_ENABLED = False
    client = Client()
    client.get(page.url)
    assert pagecache.HEADER not in client.get(page.url)


def test_clear_page_cache_command_forgets_every_page(page):
    from django.core.management import call_command

    client = Client()
    client.get(page.url)
    call_command("clear_page_cache", stdout=open("/dev/null", "w"))
    assert client.get(page.url)[pagecache.HEADER] == "miss"


def test_head_requests_are_answered_from_the_cache_but_never_fill_it(page):
    client = Client()
    assert client.head(page.url)[pagecache.HEADER] == "skip"
    assert client.get(page.url)[pagecache.HEADER] == "miss"
    head = client.head(page.url)
    assert head.status_code == 200 and head[pagecache.HEADER] == "hit"


def test_the_file_cache_on_dev_shm_gives_every_worker_the_pages_one_worker_stored(page, settings, tmp_path):
    import threading

    settings.CACHES = {"default": LOCMEM, "pages": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                                                   "LOCATION": str(tmp_path / "pages")}}
    settings.PAGE_CACHE_STAMP_FILE = str(tmp_path / "pages.stamp")
    assert Client().get(page.url)[pagecache.HEADER] == "miss"
    assert list((tmp_path / "pages").glob("*.djcache"))
    # Another thread has its own cache object (as another process would): it reads the same files.
    answers = []
    thread = threading.Thread(target=lambda: answers.append(Client().get(page.url)[pagecache.HEADER]))
    thread.start()
    thread.join()
    assert answers == ["hit"]
    pagecache.invalidate()
    assert Client().get(page.url)[pagecache.HEADER] == "miss"


def test_gunicorn_clears_the_page_cache_when_it_starts(page, settings, tmp_path):
    import runpy
    from pathlib import Path

    settings.PAGE_CACHE_STAMP_FILE = str(tmp_path / "pages.stamp")
    client = Client()
    client.get(page.url)
    assert client.get(page.url)[pagecache.HEADER] == "hit"
    config = runpy.run_path(str(Path(__file__).resolve().parents[2] / "config" / "gunicorn.conf.py"))
    config["on_starting"](server=None)
    assert client.get(page.url)[pagecache.HEADER] == "miss"
