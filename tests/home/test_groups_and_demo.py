import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from wagtail.models import GroupPagePermission, Page

from home import groups
from home.models import ContentPage, FormPage, HomePage

pytestmark = pytest.mark.django_db


def test_migrations_create_the_dutch_user_groups():
    names = set(Group.objects.values_list("name", flat=True))
    assert set(groups.ALL_GROUPS) <= names
    assert "Editors" not in names


def test_editors_may_publish_pages_and_partners_may_not():
    root = Page.get_first_root_node()
    editor_perms = set(
        GroupPagePermission.objects.filter(group__name="Redacteur", page=root).values_list("permission__codename", flat=True)
    )
    assert {"add_page", "change_page", "publish_page"} <= editor_perms
    assert not GroupPagePermission.objects.filter(group__name="Partner", page=root, permission__codename="publish_page").exists()
    for name in groups.ALL_GROUPS:
        assert Group.objects.get(name=name).permissions.filter(codename="access_admin").exists()


def test_load_demo_builds_the_site_and_a_second_run_changes_nothing(settings):
    settings.DEBUG = True
    call_command("load_demo", verbosity=0)
    counts = (Page.objects.count(), ContentPage.objects.count(), FormPage.objects.count())
    revisions = sum(p.revisions.count() for p in Page.objects.all())
    call_command("load_demo", verbosity=0)
    assert (Page.objects.count(), ContentPage.objects.count(), FormPage.objects.count()) == counts
    assert sum(p.revisions.count() for p in Page.objects.all()) == revisions
    home = HomePage.objects.get()
    assert ContentPage.objects.child_of(home).count() >= 12
    assert ContentPage.objects.filter(slug="privacyverklaring").exists()
    assert ContentPage.objects.filter(slug="toegankelijkheidsverklaring").exists()
    from django.contrib.auth import get_user_model

    assert get_user_model().objects.filter(username="admin", is_superuser=True).count() == 1


def test_admin_speaks_dutch_by_default(client, home_page):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="beheer", is_superuser=True, is_staff=True))
    body = client.get("/admin/").content.decode()
    assert "Dashboard" in body or "Pagina" in body
    assert 'lang="nl"' in body
