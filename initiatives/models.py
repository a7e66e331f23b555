"""Budget schemes (pages), rounds and budget lines, applications and everything that happens to them.

The state machine and the budget ledger live in initiatives/services.py; models only hold data.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from home.blocks import RICH_TEXT_FEATURES
from home.models import BasePage
from operations.storage import AtomicFileSystemStorage

MAX_AMOUNT = Decimal("1000000")  # no application asks more than a million; anything above is a typo


class PrivateStorage(AtomicFileSystemStorage):
    """Files with personal data: under PRIVATE_MEDIA_ROOT, never under MEDIA_ROOT, no public URL.

    Atomic: a disk that fills up halfway leaves no truncated file, and the failure is a StorageUnavailable.
    """

    def __init__(self):
        super().__init__(location=str(settings.PRIVATE_MEDIA_ROOT), base_url=None)


def private_storage():
    return PrivateStorage()


# -- Scheme pages --------------------------------------------------------------------------------------


class QuestionBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("question"))
    help_text = blocks.CharBlock(label=_("explanation"), required=False)
    required = blocks.BooleanBlock(label=_("required"), required=False, default=True)


class ChoiceQuestionBlock(QuestionBlock):
    choices = blocks.ListBlock(blocks.CharBlock(label=_("choice")), label=_("choices"))


class ExtraQuestionsBlock(blocks.StreamBlock):
    text = QuestionBlock(label=_("Short text"))
    long_text = QuestionBlock(label=_("Long text"))
    yes_no = QuestionBlock(label=_("Yes or no"))
    choice = ChoiceQuestionBlock(label=_("Choice"))


class CriterionBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("criterion"))
    description = blocks.TextBlock(label=_("explanation"), required=False)


class SchemeIndexPage(BasePage):
    """'Regelingen': lists the schemes that are open for applications."""

    body = RichTextField(_("text"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = Page.content_panels + [FieldPanel("introduction"), FieldPanel("body")]
    parent_page_types = ["home.HomePage", "home.ContentPage"]
    subpage_types = ["initiatives.BudgetSchemePage"]

    class Meta:
        verbose_name = _("scheme index page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["schemes"] = BudgetSchemePage.objects.child_of(self).live().specific()
        return context


class BudgetSchemePage(BasePage):
    """A regeling: who may apply for what, the budget, rounds, criteria and the rules afterwards."""

    reference_prefix = models.CharField(
        _("reference prefix"), max_length=6, default="AV", help_text=_("Two or three capitals, e.g. WB: WB-2026-0042.")
    )
    purpose = RichTextField(_("purpose"), features=RICH_TEXT_FEATURES)
    open_to_residents = models.BooleanField(_("residents may apply"), default=True)
    open_to_volunteer_organisations = models.BooleanField(_("volunteer organisations may apply"), default=True)
    open_to_providers = models.BooleanField(_("professional providers may apply"), default=False)
    max_amount = models.DecimalField(
        _("maximum per application"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("1"))]
    )
    criteria = StreamField([("criterion", CriterionBlock())], verbose_name=_("assessment criteria"), blank=True)
    decision_term_days = models.PositiveIntegerField(_("decision term (days)"), default=56)
    required_attachments = StreamField(
        [("attachment", blocks.CharBlock(label=_("attachment")))], verbose_name=_("required attachments"), blank=True
    )
    reporting_duties = RichTextField(_("reporting duties"), blank=True, features=RICH_TEXT_FEATURES)
    report_term_days = models.PositiveIntegerField(
        _("report due (days after payment)"), default=365
    )
    retention_months = models.PositiveIntegerField(
        _("retention period for personal data (months)"),
        default=24,
        help_text=_("After this period, counted from the end of the application, personal data is removed."),
    )
    extra_questions = StreamField(ExtraQuestionsBlock(), verbose_name=_("extra questions"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("introduction"),
        FieldPanel("purpose"),
        MultiFieldPanel(
            [FieldPanel("open_to_residents"), FieldPanel("open_to_volunteer_organisations"), FieldPanel("open_to_providers")],
            heading=_("Who may apply"),
        ),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("reference_prefix"), FieldPanel("max_amount")]),
             InlinePanel("budget_lines", label=_("Budget per year and area"))],
            heading=_("Budget"),
        ),
        InlinePanel("rounds", label=_("Rounds")),
        FieldPanel("criteria"),
        FieldPanel("extra_questions"),
        FieldPanel("required_attachments"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("decision_term_days"), FieldPanel("report_term_days")]),
             FieldPanel("reporting_duties"), FieldPanel("retention_months")],
            heading=_("Decision, reporting and privacy"),
        ),
    ]
    search_fields = BasePage.search_fields + [index.SearchField("purpose")]
    parent_page_types = ["initiatives.SchemeIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("budget scheme")

    def applicant_type_choices(self):
        choices = []
        if self.open_to_residents:
            choices.append(("resident", _("Resident or group of residents")))
        if self.open_to_volunteer_organisations:
            choices.append(("volunteer_organisation", _("Volunteer organisation")))
        if self.open_to_providers:
            choices.append(("provider", _("Professional provider")))
        return choices

    def open_rounds(self, now=None):
        return [r for r in self.rounds.all() if r.is_open(now)]

    def get_context(self, request, *args, **kwargs):
        from .services import scheme_totals

        context = super().get_context(request, *args, **kwargs)
        context["open_rounds"] = self.open_rounds()
        context["totals"] = scheme_totals(self)
        return context


class BudgetLine(Orderable):
    """The budget of a scheme in a year, for the whole scheme (no area) or for one gebied."""

    scheme = ParentalKey(BudgetSchemePage, on_delete=models.CASCADE, related_name="budget_lines")
    year = models.PositiveIntegerField(_("year"))
    gebied = models.ForeignKey(
        "socialmap.Area",
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        limit_choices_to={"kind": "gebied"},
        related_name="+",
        help_text=_("Empty: the budget of the whole scheme in this year."),
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])

    panels = [FieldRowPanel([FieldPanel("year"), FieldPanel("gebied"), FieldPanel("amount")])]

    class Meta(Orderable.Meta):
        verbose_name = _("budget line")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "year", "gebied"], name="initiatives_budget_unique_area"),
            models.UniqueConstraint(
                fields=["scheme", "year"], condition=models.Q(gebied=None), name="initiatives_budget_unique_total"
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.gebied or ''} {self.amount}"


class Round(Orderable):
    scheme = ParentalKey(BudgetSchemePage, on_delete=models.CASCADE, related_name="rounds")
    name = models.CharField(_("name"), max_length=100)
    continuous = models.BooleanField(_("continuous"), default=False, help_text=_("Open all year: no dates needed."))
    opens = models.DateField(_("opens"), null=True, blank=True)
    closes = models.DateField(_("closes"), null=True, blank=True)
    budget = models.DecimalField(
        _("budget of this round"), max_digits=12, decimal_places=2, null=True, blank=True,
        help_text=_("Optional: a ceiling for this round on top of the year's budget."),
    )

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("continuous"), FieldPanel("opens"), FieldPanel("closes"), FieldPanel("budget")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("round")

    def __str__(self):
        return self.name

    def is_open(self, now=None):
        if self.continuous:
            return True
        today = timezone.localdate(now) if now else timezone.localdate()
        if self.opens and today < self.opens:
            return False
        if self.closes and today > self.closes:
            return False
        return bool(self.opens or self.closes)


# -- Applications --------------------------------------------------------------------------------------


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    INFO_REQUESTED = "info_requested", _("Information requested")
    ADVISED = "advised", _("Advised")
    GRANTED = "granted", _("Granted")
    PARTLY_GRANTED = "partly_granted", _("Partly granted")
    REJECTED = "rejected", _("Rejected")
    PAID = "paid", _("Paid")
    REPORT_DUE = "report_due", _("Report due")
    REPORT_SUBMITTED = "report_submitted", _("Report submitted")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The grant still counts against the budget in these states.
COMMITTED_STATES = [
    Status.GRANTED, Status.PARTLY_GRANTED, Status.PAID, Status.REPORT_DUE, Status.REPORT_SUBMITTED, Status.CLOSED,
]
DECIDED_STATES = COMMITTED_STATES + [Status.REJECTED]


class ApplicantType(models.TextChoices):
    RESIDENT = "resident", _("Resident or group of residents")
    VOLUNTEER_ORGANISATION = "volunteer_organisation", _("Volunteer organisation")
    PROVIDER = "provider", _("Professional provider")


class Application(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("reference"), max_length=20, unique=True, null=True, blank=True)
    scheme = models.ForeignKey(BudgetSchemePage, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="applications")
    round = models.ForeignKey(Round, verbose_name=_("round"), null=True, blank=True, on_delete=models.SET_NULL, related_name="applications")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("applicant"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="initiative_applications",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    budget_year = models.PositiveIntegerField(_("budget year"), null=True, blank=True)

    # About you (the least we need to reach you).
    applicant_type = models.CharField(_("you apply as"), max_length=30, choices=ApplicantType.choices, blank=True)
    contact_name = models.CharField(_("your name"), max_length=150, blank=True)
    organisation_name = models.CharField(_("name of your group or organisation"), max_length=200, blank=True)
    phone = models.CharField(_("phone number"), max_length=30, blank=True)

    # The plan: the five questions every policy asks.
    title = models.CharField(_("name of your initiative"), max_length=150, blank=True)
    what = models.TextField(_("what will you do?"), blank=True)
    who = models.TextField(_("who takes part?"), blank=True)
    where_when = models.TextField(_("where and when?"), blank=True)
    goal = models.TextField(_("what do you want to achieve, and when are you satisfied?"), blank=True)
    amount_requested = models.DecimalField(
        _("amount requested"), max_digits=10, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    extra_answers = models.JSONField(_("answers to extra questions"), default=dict, blank=True)

    gebied = models.ForeignKey(
        "socialmap.Area", verbose_name=_("area"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        limit_choices_to={"kind": "gebied"},
    )
    wijk = models.ForeignKey(
        "socialmap.Area", verbose_name=_("district or village"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    account_holder = models.CharField(_("account holder"), max_length=150, blank=True)
    publish_consent = models.BooleanField(_("we may publish a short summary"), default=False)
    public_summary = models.TextField(_("public summary"), blank=True)

    completed_steps = models.JSONField(default=list, blank=True)

    # Review and decision.
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="assigned_initiative_applications",
    )
    advice = models.TextField(_("advice"), blank=True)
    advised_amount = models.DecimalField(_("advised amount"), max_digits=10, decimal_places=2, null=True, blank=True)
    granted_amount = models.DecimalField(_("granted amount"), max_digits=10, decimal_places=2, null=True, blank=True)
    decision_reasons = models.TextField(_("reasons for the decision"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # Report back (verantwoording).
    report_due_date = models.DateField(_("report due"), null=True, blank=True)
    report_results = models.TextField(_("results"), blank=True)
    report_spending = models.JSONField(_("spending per budget line"), default=list, blank=True)
    report_submitted_at = models.DateTimeField(_("report submitted"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("personal data removed"), null=True, blank=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]
        permissions = [
            ("review_application", _("Can review applications")),
            ("decide_application", _("Can decide on applications (budget holder)")),
            ("pay_application", _("Can record payments")),
            ("view_iban", _("Can see the full IBAN")),
            ("export_application", _("Can export decisions and statistics")),
        ]

    def __str__(self):
        return self.reference or self.title or str(_("Draft application"))

    @property
    def masked_iban(self):
        return mask_iban(self.iban)

    def iban_for(self, user):
        if user.has_perm("initiatives.view_iban"):
            return self.iban
        return self.masked_iban

    @cached_property
    def budget_total(self):
        return sum((line.amount for line in self.budget_items.all()), Decimal("0"))

    @property
    def paid_total(self):
        return self.payments.aggregate(total=models.Sum("amount"))["total"] or Decimal("0")

    @property
    def is_funded(self):
        return self.status in COMMITTED_STATES

    def decision_deadline(self):
        if not self.submitted_at:
            return None
        return (self.submitted_at + timezone.timedelta(days=self.scheme.decision_term_days)).date()


def mask_iban(iban):
    if not iban:
        return ""
    compact = iban.replace(" ", "")
    return f"{compact[:2]}** **** **** **{compact[-2:]}" if len(compact) > 6 else "****"


class ApplicationBudgetItem(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="budget_items")
    description = models.CharField(_("what for"), max_length=200)
    amount = models.DecimalField(
        _("amount"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("budget line")


def attachment_path(instance, filename):
    return f"initiatives/{instance.application.public_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    APPLICATION = "application"
    INFORMATION = "information"
    REPORT = "report"
    KINDS = [(APPLICATION, _("attachment")), (INFORMATION, _("extra information")), (REPORT, _("report or photo"))]

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(max_length=20, choices=KINDS, default=APPLICATION)
    file = models.FileField(storage=private_storage, upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    description = models.CharField(_("description"), max_length=200, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("attachment")

    def __str__(self):
        return self.original_name


class ReferenceCounter(models.Model):
    """The last number handed out per prefix and year; locked while a reference is taken."""

    prefix = models.CharField(max_length=6)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="initiatives_refcounter_unique")]


class InformationRequest(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="information_requests")
    question = models.TextField(_("question"))
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    asked_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(_("your answer"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at"]


class CriterionCheck(models.Model):
    MET = "met"
    PARTLY = "partly"
    NOT_MET = "not_met"
    RESULTS = [(MET, _("meets the criterion")), (PARTLY, _("partly")), (NOT_MET, _("does not meet the criterion"))]

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="criterion_checks")
    criterion = models.CharField(_("criterion"), max_length=255)
    result = models.CharField(_("result"), max_length=10, choices=RESULTS, blank=True)
    note = models.TextField(_("note"), blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    checked_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "criterion"], name="initiatives_check_unique")]


class Payment(models.Model):
    ADVANCE = "advance"
    FINAL = "final"
    KINDS = [(ADVANCE, _("advance")), (FINAL, _("final payment"))]

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="payments")
    kind = models.CharField(_("kind"), max_length=10, choices=KINDS)
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))])
    paid_on = models.DateField(_("paid on"), default=timezone.localdate)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["paid_on", "pk"]
        verbose_name = _("payment")


class ApplicationEvent(models.Model):
    """The audit trail: who did what to an application, when, and which values changed (old -> new)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=40)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    changes = models.JSONField(default=dict, blank=True)  # {"field": [old, new]}
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("application event")

    @property
    def action_label(self):
        from .services import action_label

        return action_label(self.action)

    def get_to_status_display(self):
        return Status(self.to_status).label if self.to_status in Status.values else self.to_status

    def get_from_status_display(self):
        return Status(self.from_status).label if self.from_status in Status.values else self.from_status
