"""Demo content for the community (issue 6): news, events, the newsletter page, area pages for the six
gebieden with figures, agenda and team, a section per area where partners post (moderated), and a demo
partner and moderator. Idempotent: pages are found by slug, groups and users by name."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from . import groups as g
from .areas import AreaIndexPage, AreaPage
from .events import EventIndexPage, EventPage
from .moderation import assign_partner_workflow, grant_partner_section, partner_area_group
from .news import NewsIndexPage, NewsPage
from .newsletter import NewsletterPage

PARTNER_USERNAME = "partner"
PARTNER_PASSWORD = "Dichtbij-partner-2026"
MODERATOR_USERNAME = "moderator"
MODERATOR_PASSWORD = "Dichtbij-moderator-2026"


def p(text):
    return ("paragraph", f"<p>{text}</p>")


NEWS = [
    ("mantelzorgers-in-het-zonnetje", "Mantelzorgers in het zonnetje", "De Velden",
     "Op de Dag van de Mantelzorg zetten we mantelzorgers in het zonnetje. Doet u mee?",
     "Zorgt u voor iemand in uw omgeving? Dan bent u mantelzorger. Op 10 november krijgt u een kleine attentie. "
     "U kunt zich aanmelden bij het steunpunt mantelzorg."),
    ("nieuw-inloophuis-emmerhout", "Nieuw inloophuis in Emmerhout", "Emmen Oost",
     "In Emmerhout opent een nieuw inloophuis. U kunt er elke dag binnenlopen voor koffie en een praatje.",
     "Het inloophuis is open van maandag tot en met vrijdag, van 10.00 tot 16.00 uur. U hoeft zich niet aan te melden. "
     "Vrijwilligers helpen u ook met formulieren."),
    ("werkbudget-informele-zorg-2027", "Werkbudget informele zorg: vraag nu aan", None,
     "Heeft u een idee voor uw dorp of wijk? Vraag geld aan uit het werkbudget informele zorg.",
     "Het werkbudget is voor vrijwilligers en actieve inwoners. De aanvraag is kort. U hoort binnen zes weken of u het geld krijgt."),
    ("3d-atelier-terugblik", "Terugblik op het 3D-atelier", "De Monden",
     "In het 3D-atelier praatten inwoners, vrijwilligers en organisaties over eenzaamheid in De Monden.",
     "We spraken over wat er al is en wat er nog mist. Volgende keer gaan we verder met de ideeën. Iedereen is welkom."),
]

FIGURES = [
    ("figures", {"title": "Inwoners naar leeftijd", "unit": "inwoners", "source": "CBS, 2024 (afgerond)", "rows": [
        {"label": "0 tot 18 jaar", "value": "3400"}, {"label": "18 tot 65 jaar", "value": "11200"},
        {"label": "65 tot 80 jaar", "value": "3900"}, {"label": "80 jaar en ouder", "value": "1300"}]}),
    ("figures", {"title": "Gebruik van voorzieningen", "unit": "%", "source": "Gemeente Emmen, monitor sociaal domein", "rows": [
        {"label": "Wmo-ondersteuning", "value": "7.5"}, {"label": "Jeugdhulp", "value": "11.2"},
        {"label": "Bijstand", "value": "4.8"}]}),
]


def agenda(area_name):
    return [
        ("goal", {"goal": "Minder eenzaamheid", "description": f"Meer mensen in {area_name} hebben iemand om mee te praten.", "actions": [
            {"action": "Elke week een open inloop in het dorpshuis", "status": "ongoing", "owner": "Welzijnsorganisatie"},
            {"action": "Huisbezoeken bij 75-plussers", "status": "planned", "owner": "Vrijwilligers ouderenbond"}]}),
        ("goal", {"goal": "Mantelzorgers ontlasten", "description": "Mantelzorgers weten waar ze hulp kunnen krijgen.", "actions": [
            {"action": "Informatieavond over respijtzorg", "status": "done", "owner": "Steunpunt mantelzorg"},
            {"action": "Maatjesproject voor jonge mantelzorgers", "status": "paused", "owner": "Jongerenwerk"}]}),
    ]


def team(area_name):
    return [
        ("member", {"name": "Fatima de Boer", "role": "Wijkcoach", "organisation": "Toegangsteam", "phone": "14 0591", "email": "toegangsteam@emmen.nl"}),
        ("member", {"name": "Jan Hofstede", "role": "Gebiedsregisseur", "organisation": "Gemeente Emmen", "phone": "14 0591", "email": ""}),
        ("member", {"name": "Petra Kuipers", "role": "Opbouwwerker", "organisation": "Welzijn", "phone": "", "email": "welzijn@example.nl"}),
    ]


def _child(parent, slug):
    found = parent.get_children().filter(slug=slug).first()
    return found.specific if found else None


def _add(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _event_start(days_ahead, hour=19):
    day = timezone.localdate() + timedelta(days=days_ahead)
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def load_news(home, areas):
    index = _child(home, "nieuws")
    if index is None:
        index = _add(home, NewsIndexPage(title="Nieuws", slug="nieuws", show_all_news=True, show_in_menus=True,
                                         introduction="Nieuws over hulp, zorg en meedoen in de gemeente Emmen."))
    made = 0
    for age, (slug, title, area_name, intro, text) in enumerate(NEWS):
        if not NewsPage.objects.filter(slug=slug).exists():
            _add(index, NewsPage(title=title, slug=slug, introduction=intro, body=[p(text)], featured=age < 2,
                                 date=timezone.localdate() - timedelta(days=3 * age + 1), area=areas.get(area_name)))
            made += 1
    return index, made


def load_events(home, areas):
    index = _child(home, "activiteiten")
    if index is None:
        index = _add(home, EventIndexPage(title="Activiteiten", slug="activiteiten", show_all_events=True, show_in_menus=True,
                                          introduction="Bijeenkomsten waar inwoners, vrijwilligers en organisaties elkaar ontmoeten."))
    made = 0
    specs = [
        (f"3d-atelier-{n}", f"3D-atelier {label}", EventPage.ATELIER, 14 + 30 * (n - 1), "De Velden", 25,
         "Werkbijeenkomst voor iedereen die in het gebied iets wil doen. Samen bedenken we wat nodig is.")
        for n, label in ((1, "deze maand"), (2, "volgende maand"), (3, "over twee maanden"))
    ] + [
        ("kwartaal-overleg", "Kwartaaloverleg sociaal domein", EventPage.OVERLEG, 40, None, 40,
         "Eens per kwartaal praten gemeente en partners over de voortgang van de maatschappelijke agenda."),
        ("3d-atelier-terugblik-bijeenkomst", "3D-atelier De Monden (geweest)", EventPage.ATELIER, -20, "De Monden", 20,
         "Deze bijeenkomst is geweest. Lees de terugblik bij het nieuws."),
    ]
    for slug, title, kind, days, area_name, capacity, intro in specs:
        if EventPage.objects.filter(slug=slug).exists():
            continue
        start = _event_start(days)
        _add(index, EventPage(title=title, slug=slug, kind=kind, start=start, end=start + timedelta(hours=2), capacity=capacity,
                              address="Dorpshuis De Brink\nHoofdstraat 1\n7800 AA Emmen", introduction=intro,
                              area=areas.get(area_name), online_url="https://meet.example.nl/3d-atelier" if kind == EventPage.ATELIER else ""))
        made += 1
    return index, made


def load_areas(home, areas):
    index = _child(home, "gebieden")
    made = 0
    if index is None:
        index = _add(home, AreaIndexPage(title="Gebieden", slug="gebieden", show_in_menus=True,
                                         introduction="De gemeente Emmen heeft zes gebieden. Kijk wat er in uw gebied gebeurt."))
        made += 1
    for name, area in areas.items():
        page = _child(index, area.slug)
        if page is None:
            page = _add(index, AreaPage(title=name, slug=area.slug, area=area, figures=FIGURES, agenda=agenda(name), team=team(name),
                                        introduction=f"Alles over {name}: cijfers, plannen, het gebiedsteam en wat er te doen is.",
                                        stories=[p(f"In {name} helpen buren elkaar. Vrijwilligers rijden ouderen naar de huisarts en in het dorpshuis is elke week een koffieochtend.")]))
            made += 1
        group = partner_area_group(area)
        news = _child(page, "nieuws") or _add(page, NewsIndexPage(title=f"Nieuws uit {name}", slug="nieuws", introduction=f"Nieuws van partners en de gemeente in {name}."))
        events = _child(page, "activiteiten") or _add(page, EventIndexPage(title=f"Activiteiten in {name}", slug="activiteiten", introduction=f"Activiteiten in {name}."))
        for section in (news, events):
            grant_partner_section(group, section)
    return index, made


def load_users():
    User = get_user_model()
    made = 0
    for username, password, email, group_names in (
        (PARTNER_USERNAME, PARTNER_PASSWORD, "partner@dichtbij.example", [g.PARTNER, f"{g.PARTNER} De Velden"]),
        (MODERATOR_USERNAME, MODERATOR_PASSWORD, "moderator@dichtbij.example", [g.MODERATOR]),
    ):
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, email=email, first_name=username.capitalize())
            # A known password only on a development machine, as for the demo admin.
            if settings.DEBUG:
                user.set_password(password)
            else:
                user.set_unusable_password()
            user.save()
            made += 1
        for name in group_names:
            user.groups.add(Group.objects.get_or_create(name=name)[0])
    return made


@transaction.atomic
def load(home, stdout=None):
    from socialmap.models import Area

    areas = {a.name: a for a in Area.objects.filter(kind="gebied").order_by("name")}
    news_index, news_made = load_news(home, areas)
    events_index, events_made = load_events(home, areas)
    for section in (news_index, events_index):
        assign_partner_workflow(section)
    newsletter_made = 0
    if not NewsletterPage.objects.exists():
        _add(home, NewsletterPage(title="Nieuwsbrief Samen verder in het sociaal domein", slug="nieuwsbrief",
                                  introduction="Eens per maand het nieuws uit het sociaal domein in uw mailbox."))
        newsletter_made = 1
    _, areas_made = load_areas(home, areas)
    users_made = load_users()
    if stdout:
        stdout.write(
            f"community: {news_made} news items, {events_made} events, {areas_made} area pages, "
            f"{newsletter_made} newsletter page, {users_made} users created"
        )
        if users_made and settings.DEBUG:
            stdout.write(f"Partner account: {PARTNER_USERNAME} / {PARTNER_PASSWORD}; moderator: {MODERATOR_USERNAME} / {MODERATOR_PASSWORD} (demo only)")
