"""One small site with everything the security tests need: pages, a facility, two applicants with an
application and an attachment each, an event with a registration, a newsletter subscriber, and a user
for every role."""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile

from home.models import FormField, FormPage
from initiatives.models import Attachment, Status
from tests.factories import UserFactory, add_page, make_home_page
from tests.home.community_factories import make_event, make_event_index, make_newsletter_page
from tests.initiatives.factories import make_application, make_scheme
from tests.socialmap.factories import FacilityFactory, make_social_map_page

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ROLES = ["anonymous", "applicant_a", "applicant_b", "partner", "reviewer", "budget_holder", "editor", "admin"]


@dataclass
class World:
    users: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)

    def client_for(self, role, client_class):
        client = client_class()
        user = self.users.get(role)
        if user is not None:
            client.force_login(user)
        return client


def build_world():
    home = make_home_page()
    world = World()
    world.users = {
        "anonymous": None,
        "applicant_a": UserFactory(username="anna@example.nl", email="anna@example.nl"),
        "applicant_b": UserFactory(username="bert@example.nl", email="bert@example.nl"),
        "partner": UserFactory(username="partner", groups=["Partner"]),
        "reviewer": UserFactory(username="beoordelaar", groups=["Beoordelaar"]),
        "budget_holder": UserFactory(username="budgethouder", groups=["Budgethouder"]),
        "editor": UserFactory(username="redacteur", groups=["Redacteur"]),
        "admin": get_user_model().objects.create_superuser("beheer", "beheer@example.nl", "Geheim-wachtwoord-1"),
    }
    scheme = make_scheme()
    app_a = make_application(scheme=scheme, applicant=world.users["applicant_a"], status=Status.SUBMITTED,
                             title="Moestuin van Anna", contact_name="Anna Aanvrager")
    app_b = make_application(scheme=scheme, applicant=world.users["applicant_b"], status=Status.SUBMITTED,
                             title="Buurtfeest van Bert", contact_name="Bert Bewoner")
    draft_a = make_application(scheme=scheme, applicant=world.users["applicant_a"], status=Status.DRAFT)
    attachment_a = Attachment.objects.create(
        application=app_a, file=ContentFile(PDF, name="a.pdf"), original_name="begroting-anna.pdf",
        content_type="application/pdf", size=len(PDF),
    )
    map_page = make_social_map_page(home)
    facility = FacilityFactory(name="Buurthuis De Kern", slug="buurthuis-de-kern")
    events = make_event_index(home)
    event = make_event(events, "zomerfeest", capacity=20)
    from home.events import register_for_event

    registration, _outcome = register_for_event(event, name="Rita Registratie", email="rita@example.nl")
    newsletter = make_newsletter_page(home)
    from home.newsletter import NewsletterSubscriber

    subscriber = NewsletterSubscriber.objects.create(email="nina@example.nl")
    contact = add_page(home, FormPage(title="Contact", slug="contact"))
    FormField(page=contact, label="Uw bericht", field_type="multiline", required=True).save()
    world.objects = dict(
        home=home, scheme=scheme, app_a=app_a, app_b=app_b, draft_a=draft_a, attachment_a=attachment_a,
        map_page=map_page, facility=facility, event=event, registration=registration, newsletter=newsletter,
        subscriber=subscriber, contact=contact,
    )
    return world
