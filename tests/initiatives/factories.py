"""Factories for schemes (pages, through the tree), rounds, budget lines and applications."""

import datetime
from decimal import Decimal

from django.utils import timezone

from initiatives.models import Application, ApplicationBudgetItem, BudgetLine, BudgetSchemePage, Round, SchemeIndexPage, Status
from socialmap.models import Area
from tests.factories import UserFactory, add_page, make_home_page

VALID_IBAN = "NL91ABNA0417164300"


def make_scheme_index(home=None):
    home = home or make_home_page()
    existing = SchemeIndexPage.objects.first()
    if existing:
        return existing
    return add_page(home, SchemeIndexPage(title="Regelingen", slug="regelingen", introduction="Geld voor uw initiatief."))


def gebied(slug="de-velden"):
    if not Area.objects.filter(slug=slug).exists():  # a transactional test flushed the migration's areas
        from socialmap.areas import load_areas

        load_areas(Area)
    return Area.objects.get(slug=slug)


def make_scheme(budget=Decimal("1000"), year=None, gebied_budgets=None, round_budget=None, max_amount=Decimal("5000"),
                round_open=True, **kwargs):
    """A published scheme with a budget line for the year (and optional gebied lines) and one round."""
    index = make_scheme_index()
    n = BudgetSchemePage.objects.count() + 1
    year = year or timezone.localdate().year
    defaults = dict(
        title=f"Regeling {n}", slug=f"regeling-{n}", purpose="<p>Voor goede ideeen.</p>", max_amount=max_amount,
        reference_prefix="WB", introduction="Vraag geld aan.",
        criteria=[("criterion", {"title": "Draagt bij aan ontmoeting", "description": ""})],
    )
    defaults.update(kwargs)
    page = BudgetSchemePage(**defaults)
    today = timezone.localdate()
    if round_open:
        opens, closes = today - datetime.timedelta(days=10), today + datetime.timedelta(days=30)
    else:
        opens, closes = today - datetime.timedelta(days=40), today - datetime.timedelta(days=1)
    page.rounds.add(Round(name="Ronde 1", opens=opens, closes=closes, budget=round_budget))
    if budget is not None:
        page.budget_lines.add(BudgetLine(year=year, amount=budget))
    for slug, amount in (gebied_budgets or {}).items():
        page.budget_lines.add(BudgetLine(year=year, gebied=gebied(slug), amount=amount))
    return add_page(index, page)


def make_application(scheme=None, applicant=None, status=Status.DRAFT, amount=Decimal("500"), gebied_slug="de-velden",
                     complete=True, **kwargs):
    scheme = scheme or make_scheme()
    applicant = applicant or UserFactory()
    values = dict(scheme=scheme, applicant=applicant, status=status, round=scheme.rounds.first())
    if complete:
        values.update(
            applicant_type="resident", contact_name="Anna de Vries", title="Buurtmoestuin", what="Een moestuin aanleggen.",
            who="Buren uit de straat.", where_when="Achter het dorpshuis, in het voorjaar.",
            goal="Dat twintig buren elkaar wekelijks zien.", amount_requested=amount, gebied=gebied(gebied_slug),
            iban=VALID_IBAN, account_holder="Stichting Moestuin",
        )
    if status != Status.DRAFT:
        values.update(budget_year=timezone.localdate().year, submitted_at=timezone.now())
    values.update(kwargs)
    app = Application.objects.create(**values)
    if complete:
        ApplicationBudgetItem.objects.create(application=app, description="Zaden en gereedschap", amount=amount)
    if status != Status.DRAFT and not app.reference:
        app.reference = f"WB-{timezone.localdate().year}-{app.pk:04d}"
        app.save(update_fields=["reference"])
    return app


def reviewer():
    return UserFactory(groups=["Beoordelaar"])


def budget_holder():
    return UserFactory(groups=["Budgethouder"])


def make_report_due_application():
    """A granted, advance-paid application whose report the budget holder has asked for."""
    from initiatives import services

    holder = budget_holder()
    app = services.decide(make_application(status=Status.ADVISED), holder, Status.GRANTED, Decimal("500"), "ja")
    services.record_payment(app, holder, "advance", Decimal("500"))
    services.request_report(app, holder)
    return app
