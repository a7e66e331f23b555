import datetime

import pytest
from django.urls import reverse

from search.models import SearchQuery
from search.querylog import log_query, looks_personal, week_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("q", ["jan@example.nl", "06-12345678", "0591 685500", "7811 AB 12", "Hoofdstraat 12, 7811 AB", "123456789"])
def test_personal_looking_queries_are_not_logged(q):
    assert looks_personal(q)
    assert log_query(q, 0) is False
    assert not SearchQuery.objects.exists()


def test_ordinary_queries_are_counted_per_week_and_source():
    assert log_query("Hulp  in huis", 3)
    log_query("hulp in huis", 0, source="socialmap")
    log_query("hulp in huis", 0)
    site = SearchQuery.objects.get(query="hulp in huis", source="site")
    assert (site.count, site.zero_result_count, site.week) == (2, 1, week_of())
    assert SearchQuery.objects.get(source="socialmap").count == 1


def test_week_starts_on_monday():
    assert week_of(datetime.date(2026, 11, 26)) == datetime.date(2026, 11, 23)


def test_editor_sees_the_report_with_zero_result_queries(client):
    log_query("tandarts", 0)
    log_query("mantelzorg", 5)
    editor = UserFactory(groups=["Redacteur"])
    client.force_login(editor)
    response = client.get(reverse("search_queries_report"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "tandarts" in html and "mantelzorg" in html


def test_partner_cannot_see_the_search_report(client):
    partner = UserFactory(groups=["Partner"])
    from django.contrib.auth.models import Permission

    partner.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(partner)
    assert client.get(reverse("search_queries_report")).status_code in (302, 403)


def test_editor_may_edit_synonyms():
    editor = UserFactory(groups=["Redacteur"])
    assert editor.has_perm("search.change_synonym") and editor.has_perm("search.add_synonym")


def test_counting_a_search_is_one_statement(django_assert_num_queries):
    log_query("dagbesteding", 2)
    with django_assert_num_queries(1):
        log_query("dagbesteding", 0)
    entry = SearchQuery.objects.get(query="dagbesteding")
    assert (entry.count, entry.zero_result_count) == (2, 1)
