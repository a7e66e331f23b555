"""Factories for the public social-map tests: live, published organisations, locations and facilities
with taxonomy terms and a service_at_location, without waiting for the importer."""

import datetime

import factory
from wagtail.models import Page

from socialmap.models import (
    Area,
    Facility,
    FacilityPhone,
    Location,
    Organisation,
    ServiceAtLocation,
    SocialMapPage,
    TaxonomyTerm,
)


def term(taxonomy, code):
    """The taxonomy term (migration 0002 loads the DESIGN.md taxonomy; created here if missing)."""
    obj, _ = TaxonomyTerm.objects.get_or_create(taxonomy=taxonomy, code=code, defaults={"name": code.replace("-", " ").capitalize()})
    return obj


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Stichting Welzijn {n}")
    description = "Een organisatie in Emmen."
    website = "https://welzijn.example.nl"
    live = True


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Wijkcentrum {n}")
    address_1 = factory.Sequence(lambda n: f"Marktplein {n + 1}")
    postal_code = "7811 AB"
    city = "Emmen"
    latitude = 52.785
    longitude = 6.897
    wheelchair_accessible = True
    transport_note = "Bus 1, halte Marktplein"
    live = True


WEEKDAYS_9_TO_5 = [
    ("hours", {"days": ["MO", "TU", "WE", "TH", "FR"], "opens_at": datetime.time(8, 30), "closes_at": datetime.time(17, 0), "note": ""})
]


class FacilityFactory(factory.django.DjangoModelFactory):
    """A live, active facility. Pass terms=[("levensdomein", "wonen"), ...] and location=... or locations=[...]."""

    class Meta:
        model = Facility
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Voorziening {n}")
    description = "Hulp bij u in de buurt, gratis en zonder verwijzing."
    status = Facility.ACTIVE
    live = True
    url = "https://voorziening.example.nl"
    email = "info@voorziening.example.nl"
    last_verified = datetime.date(2026, 10, 1)

    @factory.post_generation
    def terms(self, create, extracted, **kwargs):
        for taxonomy, code in extracted if extracted is not None else [("levensdomein", "meedoen-ontmoeten")]:
            self.terms.add(term(taxonomy, code))
        if create:
            self.save()

    @factory.post_generation
    def locations(self, create, extracted, **kwargs):
        if not create:
            return
        locations = extracted if extracted is not None else [LocationFactory()]
        for i, location in enumerate(locations):
            ServiceAtLocation.objects.create(facility=self, location=location, sort_order=i, opening_hours=kwargs.get("hours", WEEKDAYS_9_TO_5))

    @factory.post_generation
    def phones(self, create, extracted, **kwargs):
        if create:
            for number in extracted or []:
                FacilityPhone.objects.create(facility=self, number=number)

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        for area in extracted or []:
            self.areas_served.add(area)
        if create and extracted:
            self.save()


def make_social_map_page(home, **kwargs):
    existing = SocialMapPage.objects.first()
    if existing:
        return existing
    defaults = {"title": "Sociale kaart", "slug": "sociale-kaart", "introduction": "Vind hulp bij u in de buurt.", "show_in_menus": True}
    defaults.update(kwargs)
    page = SocialMapPage(**defaults)
    home.add_child(instance=page)
    page.save_revision().publish()
    return Page.objects.get(pk=page.pk).specific


def area(cbs_code):
    return Area.objects.get(cbs_code=cbs_code)
