"""Factories for the objects tests need. Pages are created through the tree, as Wagtail requires."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from wagtail.models import Page, Site


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.nl")
    password = factory.django.Password("Geheim-wachtwoord-1")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        for name in extracted or []:
            self.groups.add(Group.objects.get(name=name))


def make_home_page(**kwargs):
    """A published HomePage that is the default site's root."""
    from home.models import HomePage

    existing = HomePage.objects.first()
    if existing:
        return existing
    root = Page.get_first_root_node()
    placeholder = root.get_children().filter(slug="home").first()
    site = Site.objects.filter(is_default_site=True).first()
    if placeholder and placeholder.specific_class is Page:
        if site:
            site.root_page = root
            site.save()
        placeholder.delete()
    defaults = {"title": "Hulp dichtbij", "slug": "home", "introduction": "Zoek hulp bij u in de buurt."}
    defaults.update(kwargs)
    home = HomePage(**defaults)
    root.add_child(instance=home)
    home.save_revision().publish()
    if site:
        site.root_page = home
        site.hostname = "testserver"
        site.port = 80
        site.save()
    else:
        Site.objects.create(hostname="testserver", port=80, root_page=home, is_default_site=True, site_name="Dichtbij")
    return home


def add_page(parent, page, publish=True):
    parent.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
    page.refresh_from_db()
    return page


def make_content_page(parent, **kwargs):
    from home.models import ContentPage

    n = ContentPage.objects.count() + 1
    defaults = {"title": f"Informatie {n}", "slug": f"informatie-{n}", "introduction": "Uitleg in eenvoudige taal."}
    defaults.update(kwargs)
    return add_page(parent, ContentPage(**defaults))
