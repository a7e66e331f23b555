"""Demo content for initiatives: the 'Regelingen' index, the four schemes of the policy documents with an open
round each, and a few funded initiatives (with consent) so the public list is not empty.

Idempotent: pages are found by slug, budget lines by year and area, initiatives by scheme and title.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from socialmap.models import Area

from .models import (
    Application,
    ApplicationBudgetItem,
    BudgetLine,
    BudgetSchemePage,
    Round,
    SchemeIndexPage,
    Status,
)
from .services import log_event, next_reference

GEBIEDEN = ["de-velden", "de-monden", "de-blokken", "emmen-noord", "emmen-oost", "emmen-zuid"]

INDEX = {
    "slug": "regelingen",
    "title": "Regelingen",
    "introduction": "Heeft u een idee voor uw buurt of dorp? Of doet u al iets voor anderen? Hier ziet u voor welke plannen u geld kunt aanvragen.",
    "body": "<p>Aanvragen is eenvoudig. U vertelt wat u gaat doen, wie meedoen, waar en wanneer, wat u wilt bereiken en wat het kost. Wij besluiten snel. Na afloop vertelt u kort hoe het ging. Bonnetjes hoeft u niet te sturen.</p>",
}

CRITERIA_REGELARM = [
    ("Het plan helpt inwoners elkaar te steunen of gezond te leven", "Bijvoorbeeld ontmoeting, mantelzorg, bewegen of samen eten."),
    ("Inwoners of vrijwilligers doen zelf mee", "Het plan is van en voor de buurt."),
    ("Het plan past bij het gebied", "Het sluit aan bij wat er in het gebied nodig is."),
    ("De kosten zijn redelijk", "Het gevraagde bedrag past bij wat u gaat doen."),
]

SCHEMES = [
    {
        "slug": "werkbudget-informele-zorg",
        "title": "Werkbudget informele zorg en gezondheidsbevordering",
        "reference_prefix": "WB",
        "introduction": "Geld voor vrijwilligers en actieve inwoners die iets doen voor zorg en gezondheid in hun gebied.",
        "purpose": "<p>Met dit werkbudget steunt de gemeente plannen van vrijwilligersorganisaties en actieve inwoners. Het gaat om informele zorg en gezondheid: elkaar helpen, samen bewegen, gezond eten, eenzaamheid voorkomen. Er is elk jaar 150.000 euro, verdeeld over de zes gebieden. Wij werken 'regelarm': weinig vragen en een snel besluit.</p>",
        "open_to_residents": True, "open_to_volunteer_organisations": True, "open_to_providers": False,
        "max_amount": Decimal("5000"), "decision_term_days": 28, "retention_months": 24,
        "total": Decimal("150000"), "per_gebied": Decimal("25000"), "round": ("Doorlopend", True),
        "criteria": CRITERIA_REGELARM,
        "attachments": [],
        "reporting": "<p>Na afloop vertelt u in een paar zinnen wat u heeft gedaan en wat het heeft opgeleverd. U geeft aan waaraan u het geld heeft besteed. Een foto is welkom. Bonnetjes hoeven niet.</p>",
        "questions": [("yes_no", {"label": "Doen er vrijwilligers mee?", "help_text": "", "required": True})],
    },
    {
        "slug": "experimenteerbudget",
        "title": "Experimenteerbudget",
        "reference_prefix": "EB",
        "introduction": "Geld per gebied voor professionals die iets nieuws willen proberen, zonder ingewikkelde regels.",
        "purpose": "<p>Wilt u als aanbieder een nieuwe aanpak uitproberen in een gebied? Bijvoorbeeld samenwerken met de huisarts en het dorpshuis, of hulp dichter bij huis brengen? Met het experimenteerbudget kan dat. Elk gebied heeft een eigen budget.</p>",
        "open_to_residents": False, "open_to_volunteer_organisations": False, "open_to_providers": True,
        "max_amount": Decimal("15000"), "decision_term_days": 42, "retention_months": 60,
        "total": None, "per_gebied": Decimal("20000"), "round": ("Ronde dit jaar", False),
        "criteria": [
            ("Het is echt nieuw in dit gebied", "Het is geen voortzetting van wat al bestaat."),
            ("Inwoners merken er iets van", "U beschrijft wat er voor inwoners beter wordt."),
            ("U deelt wat u leert", "U vertelt andere partners wat wel en niet werkte."),
        ],
        "attachments": ["Een korte opzet van het experiment (hooguit twee bladzijden)"],
        "reporting": "<p>Na afloop vertelt u wat u heeft geleerd, ook wat niet werkte. U deelt dat in het gebiedsoverleg.</p>",
        "questions": [("long_text", {"label": "Met wie werkt u samen?", "help_text": "Bijvoorbeeld huisarts, wijkteam of dorpshuis.", "required": True})],
    },
    {
        "slug": "stimuleringsbudget-mantelzorg",
        "title": "Stimuleringsbudget mantelzorg",
        "reference_prefix": "SM",
        "introduction": "Geld voor activiteiten die mantelzorgers in het zonnetje zetten of hun zorg lichter maken.",
        "purpose": "<p>Mantelzorgers doen veel voor een ander. Met dit budget steunen wij initiatieven die mantelzorgers waardering geven. Bijvoorbeeld een uitje, een lotgenotengroep of een moment van rust.</p>",
        "open_to_residents": True, "open_to_volunteer_organisations": True, "open_to_providers": False,
        "max_amount": Decimal("2500"), "decision_term_days": 28, "retention_months": 24,
        "total": Decimal("40000"), "per_gebied": None, "round": ("Ronde dit jaar", False),
        "criteria": [
            ("Het plan is voor mantelzorgers", "Mantelzorgers zijn de doelgroep."),
            ("Mantelzorgers voelen zich gezien", "Het plan geeft waardering of steun."),
        ],
        "attachments": [],
        "reporting": "<p>Na afloop vertelt u hoeveel mantelzorgers meededen en hoe het ging.</p>",
        "questions": [("choice", {"label": "Voor welke mantelzorgers is het?", "help_text": "", "required": True,
                                  "choices": ["Jonge mantelzorgers", "Volwassen mantelzorgers", "Alle mantelzorgers"]})],
    },
    {
        "slug": "inwonersinitiatieven",
        "title": "Budget voor inwonersinitiatieven",
        "reference_prefix": "IB",
        "introduction": "Een klein budget voor uw eigen idee in uw wijk of dorp. De wijkambassadeurs helpen u op weg.",
        "purpose": "<p>Heeft u een idee voor uw straat, wijk of dorp? Een buurtfeest, een moestuin, een bankje op een mooie plek? Vraag dan een bijdrage aan. De wijkambassadeurs denken graag met u mee.</p>",
        "open_to_residents": True, "open_to_volunteer_organisations": True, "open_to_providers": False,
        "max_amount": Decimal("1500"), "decision_term_days": 21, "retention_months": 24,
        "total": Decimal("60000"), "per_gebied": None, "round": ("Doorlopend", True),
        "criteria": [
            ("Het idee komt van inwoners zelf", ""),
            ("De buurt of het dorp heeft er iets aan", ""),
        ],
        "attachments": [],
        "reporting": "<p>Stuur na afloop een paar zinnen en, als u wilt, een foto.</p>",
        "questions": [],
    },
]

FUNDED = [
    ("werkbudget-informele-zorg", "Samen bewegen in Emmerhout", "emmen-oost", Decimal("2400"),
     "Elke dinsdag wandelen en bewegen buurtbewoners samen, met koffie na afloop. Zo blijven ze fit en leren ze elkaar kennen."),
    ("werkbudget-informele-zorg", "Kookclub voor alleenstaande ouderen", "de-velden", Decimal("1800"),
     "Vrijwilligers koken twee keer per maand samen met ouderen in het dorpshuis. Samen eten is gezelliger en gezonder."),
    ("stimuleringsbudget-mantelzorg", "Dagje uit voor jonge mantelzorgers", "emmen-zuid", Decimal("1500"),
     "Jonge mantelzorgers gaan een dag samen op pad. Even geen zorgen, wel lotgenoten om mee te praten."),
    ("inwonersinitiatieven", "Buurtmoestuin De Monden", "de-monden", Decimal("950"),
     "Buren leggen samen een moestuin aan achter het dorpshuis. De oogst delen ze met de voedselbank."),
]


def criteria_stream(items):
    return [("criterion", {"title": title, "description": description}) for title, description in items]


def ensure_index(home):
    existing = SchemeIndexPage.objects.first()
    if existing:
        return existing, False
    parent = home.get_children().filter(slug="initiatieven").first()
    parent = parent.specific if parent else home
    index = SchemeIndexPage(title=INDEX["title"], slug=INDEX["slug"], introduction=INDEX["introduction"], body=INDEX["body"],
                            show_in_menus=True)
    parent.add_child(instance=index)
    index.save_revision().publish()
    return index, True


def ensure_scheme(index, spec, year):
    existing = BudgetSchemePage.objects.filter(slug=spec["slug"]).first()
    if existing:
        return existing, False
    page = BudgetSchemePage(
        title=spec["title"], slug=spec["slug"], introduction=spec["introduction"], purpose=spec["purpose"],
        reference_prefix=spec["reference_prefix"], open_to_residents=spec["open_to_residents"],
        open_to_volunteer_organisations=spec["open_to_volunteer_organisations"], open_to_providers=spec["open_to_providers"],
        max_amount=spec["max_amount"], decision_term_days=spec["decision_term_days"], retention_months=spec["retention_months"],
        criteria=criteria_stream(spec["criteria"]), reporting_duties=spec["reporting"],
        required_attachments=[("attachment", a) for a in spec["attachments"]], extra_questions=spec["questions"],
    )
    name, continuous = spec["round"]
    page.rounds.add(Round(name=f"{name} {year}" if not continuous else name, continuous=continuous,
                          opens=None if continuous else datetime.date(year, 1, 1),
                          closes=None if continuous else datetime.date(year, 12, 31)))
    if spec["total"] is not None:
        page.budget_lines.add(BudgetLine(year=year, amount=spec["total"]))
    if spec["per_gebied"] is not None:
        for slug in GEBIEDEN:
            area = Area.objects.filter(slug=slug).first()
            if area:
                page.budget_lines.add(BudgetLine(year=year, gebied=area, amount=spec["per_gebied"]))
    index.add_child(instance=page)
    page.save_revision().publish()
    return page, True


def demo_applicant():
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username="initiatiefnemer@dichtbij.example", defaults={"email": "initiatiefnemer@dichtbij.example"}
    )
    if created:
        user.set_unusable_password()
        user.save()
    return user


def ensure_funded(spec, user, year):
    scheme_slug, title, gebied_slug, amount, summary = spec
    scheme = BudgetSchemePage.objects.filter(slug=scheme_slug).first()
    gebied = Area.objects.filter(slug=gebied_slug).first()
    if scheme is None or gebied is None or Application.objects.filter(scheme=scheme, title=title).exists():
        return False
    now = timezone.now()
    with transaction.atomic():
        app = Application.objects.create(
            scheme=scheme, applicant=user, round=scheme.rounds.first(), status=Status.GRANTED,
            reference=next_reference(scheme.reference_prefix, year), budget_year=year, submitted_at=now, decided_at=now,
            applicant_type="volunteer_organisation", contact_name="Demo initiatiefnemer", title=title,
            what=summary, who="Inwoners uit de buurt en vrijwilligers.", where_when="In het gebied, dit jaar.",
            goal="Dat mensen elkaar vaker zien en zich gesteund voelen.", amount_requested=amount, granted_amount=amount,
            decision_reasons="Het plan past goed bij de regeling.", gebied=gebied, publish_consent=True, public_summary=summary,
            completed_steps=["about", "plan", "budget", "area", "attachments", "payment"],
        )
        ApplicationBudgetItem.objects.create(application=app, description="Materiaal en activiteiten", amount=amount)
        log_event(app, None, "grant", Status.ADVISED, Status.GRANTED, note="demo")
    return True


def load(home, stdout=None):
    year = timezone.localdate().year
    index, created = ensure_index(home)
    made = int(created)
    for spec in SCHEMES:
        made += ensure_scheme(index, spec, year)[1]
    user = demo_applicant()
    funded = sum(ensure_funded(spec, user, year) for spec in FUNDED)
    if stdout:
        stdout.write(f"initiatives: {made} pages and {funded} funded initiatives created")
    return index
