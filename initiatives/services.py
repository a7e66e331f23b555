"""The application state machine, the budget ledger and the audit trail.

Every change to an application goes through a function here: it checks the transition table, checks who
may do it, writes the change and an ApplicationEvent (who, when, what, old -> new) in one transaction.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from operations.storage import cleanup_on_error, delete_quietly

from .models import (
    COMMITTED_STATES,
    Application,
    ApplicationEvent,
    Attachment,
    BudgetLine,
    CriterionCheck,
    InformationRequest,
    Payment,
    ReferenceCounter,
    Round,
    Status,
)

APPLICANT = "applicant"
REVIEWER = "reviewer"
BUDGET_HOLDER = "budget_holder"
SYSTEM = "system"

ROLE_LABELS = {
    APPLICANT: gettext_lazy("the applicant"),
    REVIEWER: gettext_lazy("a reviewer"),
    BUDGET_HOLDER: gettext_lazy("a budget holder"),
    SYSTEM: gettext_lazy("the system"),
}

S = Status
DECISIONS = [S.GRANTED, S.PARTLY_GRANTED, S.REJECTED]

# (action) -> (from states, to state, roles allowed). The one place that says what may happen.
TRANSITIONS = {
    "submit": ([S.DRAFT], S.SUBMITTED, {APPLICANT}),
    "withdraw": ([S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.INFO_REQUESTED, S.ADVISED], S.WITHDRAWN, {APPLICANT}),
    "start_review": ([S.SUBMITTED], S.IN_REVIEW, {REVIEWER, BUDGET_HOLDER}),
    "request_info": ([S.SUBMITTED, S.IN_REVIEW, S.ADVISED], S.INFO_REQUESTED, {REVIEWER, BUDGET_HOLDER}),
    "answer_info": ([S.INFO_REQUESTED], S.IN_REVIEW, {APPLICANT}),
    "advise": ([S.IN_REVIEW], S.ADVISED, {REVIEWER, BUDGET_HOLDER}),
    "grant": ([S.IN_REVIEW, S.ADVISED], S.GRANTED, {BUDGET_HOLDER}),
    "partly_grant": ([S.IN_REVIEW, S.ADVISED], S.PARTLY_GRANTED, {BUDGET_HOLDER}),
    "reject": ([S.IN_REVIEW, S.ADVISED], S.REJECTED, {BUDGET_HOLDER}),
    "pay": ([S.GRANTED, S.PARTLY_GRANTED], S.PAID, {BUDGET_HOLDER}),
    "request_report": ([S.PAID], S.REPORT_DUE, {BUDGET_HOLDER, SYSTEM}),
    "submit_report": ([S.REPORT_DUE], S.REPORT_SUBMITTED, {APPLICANT}),
    "close": ([S.REPORT_SUBMITTED, S.REJECTED, S.PAID], S.CLOSED, {BUDGET_HOLDER}),
}
DECISION_ACTIONS = {S.GRANTED: "grant", S.PARTLY_GRANTED: "partly_grant", S.REJECTED: "reject"}
# Payments may be recorded while the grant is running; the first one moves the application to 'paid'.
PAYABLE_STATES = [S.GRANTED, S.PARTLY_GRANTED, S.PAID, S.REPORT_DUE, S.REPORT_SUBMITTED]


class TransitionError(Exception):
    """A change that is not allowed; the message is for people (Dutch in the Dutch interface)."""


class BudgetExceeded(TransitionError):
    pass


def roles_of(user, application=None):
    roles = set()
    if user is None:
        return {SYSTEM}
    if not user.is_authenticated:
        return roles
    if application is not None and application.applicant_id == user.pk:
        roles.add(APPLICANT)
    if user.has_perm("initiatives.review_application"):
        roles.add(REVIEWER)
    if user.has_perm("initiatives.decide_application"):
        roles.add(BUDGET_HOLDER)
    return roles


def allowed_actions(application, user):
    roles = roles_of(user, application)
    return [
        action
        for action, (sources, _target, allowed) in TRANSITIONS.items()
        if application.status in sources and roles & allowed
    ]


def check_transition(application, action, user):
    sources, target, allowed = TRANSITIONS[action]
    if application.status not in sources:
        raise TransitionError(
            _("This is not possible now: the application is '%(status)s'. '%(action)s' can only be done when it is %(allowed)s.")
            % {
                "status": application.get_status_display(),
                "action": action_label(action),
                "allowed": ", ".join(f"'{Status(s).label}'" for s in sources),
            }
        )
    if not roles_of(user, application) & allowed:
        raise TransitionError(
            _("You may not do this: '%(action)s' is done by %(roles)s.")
            % {"action": action_label(action), "roles": _(" or ").join(str(ROLE_LABELS[r]) for r in sorted(allowed))}
        )
    return target


ACTION_LABELS = {
    "submit": gettext_lazy("submit"),
    "withdraw": gettext_lazy("withdraw"),
    "start_review": gettext_lazy("start the review"),
    "request_info": gettext_lazy("ask for more information"),
    "answer_info": gettext_lazy("answer the request for information"),
    "advise": gettext_lazy("give advice"),
    "grant": gettext_lazy("grant"),
    "partly_grant": gettext_lazy("grant in part"),
    "reject": gettext_lazy("reject"),
    "pay": gettext_lazy("record a payment"),
    "request_report": gettext_lazy("ask for the report"),
    "submit_report": gettext_lazy("submit the report"),
    "close": gettext_lazy("close"),
    "assign": gettext_lazy("assign a reviewer"),
    "check": gettext_lazy("check a criterion"),
    "edit": gettext_lazy("edit the draft"),
    "anonymise": gettext_lazy("remove personal data"),
    "create": gettext_lazy("start an application"),
    "attachment_added": gettext_lazy("add an attachment"),
    "attachment_removed": gettext_lazy("remove an attachment"),
}


def action_label(action):
    return str(ACTION_LABELS.get(action, action))


# -- Audit ---------------------------------------------------------------------------------------------

MASKED_FIELDS = {"iban"}


def log_event(application, actor, action, from_status="", to_status="", changes=None, note=""):
    clean = {}
    for field, (old, new) in (changes or {}).items():
        if field in MASKED_FIELDS:
            from .models import mask_iban

            old, new = mask_iban(old), mask_iban(new)
        clean[field] = [_jsonable(old), _jsonable(new)]
    return ApplicationEvent.objects.create(
        application=application,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_name=(actor.get_full_name() or actor.get_username()) if actor is not None and actor.is_authenticated else "",
        action=action,
        from_status=from_status,
        to_status=to_status,
        changes=clean,
        note=note,
    )


def _jsonable(value):
    if value is None or isinstance(value, (bool, int, str, list, dict)):
        return value
    if hasattr(value, "pk"):
        return str(value)
    return str(value)


def snapshot(application, fields):
    return {f: getattr(application, f) for f in fields}


def diff(before, application):
    return {f: (old, getattr(application, f)) for f, old in before.items() if getattr(application, f) != old}


def _transition(application, action, user, fields=None, note="", **values):
    """Lock the application, check the transition, apply values, save, log. Returns the fresh application."""
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        target = check_transition(locked, action, user)
        before = snapshot(locked, ["status", *values.keys()])
        for key, value in values.items():
            setattr(locked, key, value)
        old_status = locked.status
        locked.status = target
        locked.save()
        log_event(locked, user, action, old_status, target, diff(before, locked), note)
    return locked


# -- Applicant actions ---------------------------------------------------------------------------------


def next_reference(prefix, year):
    """WB-2026-0042: the counter row is locked, so two submissions never get the same number."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                ReferenceCounter.objects.get_or_create(prefix=prefix, year=year)
        except IntegrityError:  # another submission created the row at the same moment
            pass
        counter = ReferenceCounter.objects.select_for_update().get(prefix=prefix, year=year)
        counter.last += 1
        counter.save(update_fields=["last"])
        return f"{prefix}-{year}-{counter.last:04d}"


def completeness_problems(application):
    """What is still missing before the application can be submitted: [(step slug, message)]."""
    problems = []
    if not application.contact_name or not application.applicant_type:
        problems.append(("about", _("Fill in who you are.")))
    if not all([application.title, application.what, application.who, application.where_when, application.goal]):
        problems.append(("plan", _("Answer the questions about your plan.")))
    if not application.amount_requested:
        problems.append(("plan", _("Fill in the amount you ask for.")))
    elif application.amount_requested > application.scheme.max_amount:
        problems.append(("plan", _("You ask more than the maximum of this scheme (EUR %(max)s).") % {"max": application.scheme.max_amount}))
    for block in application.scheme.extra_questions:
        if block.value.get("required") and block.block_type != "yes_no" and not application.extra_answers.get(block.id):
            problems.append(("plan", _("Answer the question: %(q)s") % {"q": block.value["label"]}))
    items = list(application.budget_items.all())
    total = sum((i.amount for i in items), Decimal("0"))
    if not items:
        problems.append(("budget", _("Fill in the budget.")))
    elif application.amount_requested and total != application.amount_requested:
        problems.append(
            ("budget", _("The budget lines add up to EUR %(total)s, but you ask EUR %(asked)s.") % {"total": total, "asked": application.amount_requested})
        )
    if not application.gebied_id:
        problems.append(("area", _("Choose the area of your initiative.")))
    required = [b.value for b in application.scheme.required_attachments]
    if required and not application.attachments.filter(kind="application").exists():
        problems.append(("attachments", _("Add the required attachments.")))
    if not application.iban:
        problems.append(("payment", _("Fill in the bank account (IBAN).")))
    if application.publish_consent and not application.public_summary:
        problems.append(("payment", _("Write the short summary we may publish.")))
    return problems


def submit(application, user, now=None):
    """Submit a draft. Submitting twice is harmless: the second time changes nothing. Returns (app, created)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status != S.DRAFT and locked.applicant_id == getattr(user, "pk", None) and locked.reference:
            return locked, False  # double submit: already done
        check_transition(locked, "submit", user)
        problems = completeness_problems(locked)
        if problems:
            raise TransitionError(problems[0][1])
        if locked.round_id and not locked.round.is_open(now):
            raise TransitionError(
                _("The round '%(round)s' is closed: applications can no longer be submitted in it.") % {"round": locked.round.name}
            )
        if not locked.round_id:
            open_rounds = locked.scheme.open_rounds(now)
            if not open_rounds:
                raise TransitionError(_("This scheme has no open round at the moment."))
            locked.round = open_rounds[0]
        year = timezone.localdate(now).year
        locked.reference = next_reference(locked.scheme.reference_prefix, year)
        locked.budget_year = year
        locked.submitted_at = now
        locked.status = S.SUBMITTED
        locked.save()
        log_event(locked, user, "submit", S.DRAFT, S.SUBMITTED, {"reference": (None, locked.reference)})
    return locked, True


# -- Files ---------------------------------------------------------------------------------------------
# A file and the row that points at it are stored together or not at all: the row is written in a
# transaction, and a file already written when that transaction fails is removed again (cleanup_on_error).
# A storage that fails raises StorageUnavailable (operations/storage.py); views show STORAGE_ERROR_MESSAGE.


def new_attachment(application, upload, content_type, kind=Attachment.APPLICATION, description=""):
    """An unsaved Attachment for an upload whose content type was checked (forms.check_upload)."""
    return Attachment(application=application, kind=kind, file=upload, original_name=upload.name[:255],
                      content_type=content_type, size=upload.size, description=description or "")


def add_attachment(application, user, upload, content_type, kind=Attachment.APPLICATION, description=""):
    """Store the file and its row, and log it; when anything fails, nothing of it remains."""
    attachment = new_attachment(application, upload, content_type, kind, description)
    with cleanup_on_error() as stored, transaction.atomic():
        stored.track(attachment.file)
        attachment.save()
        log_event(application, user, "attachment_added", note=attachment.original_name)
    return attachment


def remove_attachment(application, user, attachment):
    """The row goes first; the file once that is committed (a row never points at a deleted file)."""
    name, storage = attachment.file.name, attachment.file.storage
    with transaction.atomic():
        attachment.delete()
        log_event(application, user, "attachment_removed", note=attachment.original_name)
        transaction.on_commit(lambda: delete_quietly(storage, name))


def delete_files_on_commit(attachments):
    """Delete the files of attachments whose rows are being deleted in the current transaction."""
    files = [(a.file.storage, a.file.name) for a in attachments if a.file.name]
    transaction.on_commit(lambda: [delete_quietly(storage, name) for storage, name in files])


def withdraw(application, user, note=""):
    return _transition(application, "withdraw", user, note=note)


def answer_information(application, user, answer, attachment=None):
    """Answer the open request; an optional file (an unsaved Attachment) is stored in the same transaction."""
    if not answer.strip():
        raise TransitionError(_("Please write your answer."))
    with cleanup_on_error() as stored, transaction.atomic():
        app = _transition(application, "answer_info", user, note=answer)
        InformationRequest.objects.filter(application=app, answered_at=None).update(answer=answer, answered_at=timezone.now())
        if attachment is not None:
            stored.track(attachment.file)
            attachment.save()
    return app


def submit_report(application, user, results, spending, photo=None):
    """Submit the report; an optional photo (an unsaved Attachment) is stored in the same transaction."""
    if not results.strip():
        raise TransitionError(_("Please describe the results."))
    with cleanup_on_error() as stored, transaction.atomic():
        app = _transition(application, "submit_report", user, report_results=results, report_spending=spending,
                          report_submitted_at=timezone.now())
        if photo is not None:
            stored.track(photo.file)
            photo.save()
    return app


# -- Staff actions -------------------------------------------------------------------------------------


def assign(application, user, reviewer):
    if not roles_of(user, application) & {REVIEWER, BUDGET_HOLDER}:
        raise TransitionError(_("You may not assign applications."))
    if reviewer is not None and not reviewer.has_perm("initiatives.review_application"):
        raise TransitionError(_("This person is not a reviewer."))
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        before = snapshot(locked, ["assigned_to"])
        locked.assigned_to = reviewer
        locked.save(update_fields=["assigned_to", "updated_at"])
        log_event(locked, user, "assign", changes=diff(before, locked))
    return locked


def start_review(application, user):
    return _transition(application, "start_review", user)


def request_information(application, user, question):
    if not question.strip():
        raise TransitionError(_("Write the question for the applicant."))
    with transaction.atomic():
        app = _transition(application, "request_info", user, note=question)
        InformationRequest.objects.create(application=app, question=question, asked_by=user)
    return app


def check_criterion(application, user, criterion, result, note=""):
    if not roles_of(user, application) & {REVIEWER, BUDGET_HOLDER}:
        raise TransitionError(_("You may not assess applications."))
    check, _created = CriterionCheck.objects.get_or_create(application=application, criterion=criterion)
    before = {"result": check.result, "note": check.note}
    check.result, check.note, check.checked_by = result, note, user
    check.save()
    changes = {f"{criterion}: {k}": (v, getattr(check, k)) for k, v in before.items() if getattr(check, k) != v}
    if changes:
        log_event(application, user, "check", changes=changes)
    return check


def advise(application, user, advice, amount=None):
    if not advice.strip():
        raise TransitionError(_("Write the advice."))
    return _transition(application, "advise", user, advice=advice, advised_amount=amount)


def decide(application, user, decision, amount=None, reasons=""):
    """Grant, grant in part or reject. A grant is checked against every budget it counts against, with
    those budget rows locked, so two budget holders deciding at once can never spend more than there is."""
    action = DECISION_ACTIONS.get(decision)
    if action is None:
        raise TransitionError(_("Choose a decision."))
    if not reasons.strip():
        raise TransitionError(_("Give the reasons for the decision."))
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        check_transition(locked, action, user)
        if decision == S.REJECTED:
            amount = None
        else:
            amount = Decimal(amount or 0)
            if amount <= 0:
                raise TransitionError(_("Fill in the amount granted."))
            if amount > (locked.amount_requested or 0):
                raise TransitionError(_("You cannot grant more than was asked (EUR %(asked)s).") % {"asked": locked.amount_requested})
            if decision == S.GRANTED and amount != locked.amount_requested:
                raise TransitionError(_("A full grant is the amount asked; choose 'partly granted' for less."))
            if decision == S.PARTLY_GRANTED and amount == locked.amount_requested:
                raise TransitionError(_("The whole amount is granted: choose 'granted'."))
            reserve(locked, amount)
        before = snapshot(locked, ["status", "granted_amount", "decision_reasons"])
        old_status = locked.status
        locked.status = decision
        locked.granted_amount = amount
        locked.decision_reasons = reasons
        locked.decided_at = timezone.now()
        locked.decided_by = user
        locked.save()
        log_event(locked, user, action, old_status, decision, diff(before, locked), reasons)
    return locked


def budget_scopes(application):
    """The budget rows a grant for this application counts against (scheme total, its gebied, its round)."""
    year = application.budget_year or timezone.localdate().year
    lines = BudgetLine.objects.filter(scheme_id=application.scheme_id, year=year).filter(
        Q(gebied=None) | Q(gebied_id=application.gebied_id)
    )
    return year, lines


def committed_amount(**filters):
    return (
        Application.objects.filter(status__in=COMMITTED_STATES, **filters).aggregate(total=Sum("granted_amount"))["total"]
        or Decimal("0")
    )


def reserve(application, amount):
    """Inside the caller's transaction: lock the budget rows in a fixed order and check every ceiling."""
    year, lines = budget_scopes(application)
    locked_lines = list(lines.select_for_update().order_by("pk"))
    if not locked_lines:
        raise BudgetExceeded(_("There is no budget for this scheme in %(year)s.") % {"year": year})
    base = {"scheme_id": application.scheme_id, "budget_year": year}
    for line in locked_lines:
        scope = dict(base) if line.gebied_id is None else dict(base, gebied_id=line.gebied_id)
        already = committed_amount(**scope)
        if already + amount > line.amount:
            where = line.gebied.name if line.gebied_id else _("the whole scheme")
            raise BudgetExceeded(
                _("Not enough budget left for %(where)s in %(year)s: EUR %(left)s left, EUR %(amount)s needed.")
                % {"where": where, "year": year, "left": line.amount - already, "amount": amount}
            )
    if application.round_id:
        rnd = Round.objects.select_for_update().get(pk=application.round_id)
        if rnd.budget is not None:
            already = committed_amount(round_id=rnd.pk)
            if already + amount > rnd.budget:
                raise BudgetExceeded(
                    _("Not enough budget left in the round '%(round)s': EUR %(left)s left, EUR %(amount)s needed.")
                    % {"round": rnd.name, "left": rnd.budget - already, "amount": amount}
                )


def record_payment(application, user, kind, amount, paid_on=None):
    if BUDGET_HOLDER not in roles_of(user, application):
        raise TransitionError(_("Only a budget holder records payments."))
    amount = Decimal(amount or 0)
    if amount <= 0:
        raise TransitionError(_("Fill in an amount above zero."))
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status not in PAYABLE_STATES:
            raise TransitionError(
                _("A payment can only be recorded for a granted application; this one is '%(status)s'.")
                % {"status": locked.get_status_display()}
            )
        paid = locked.paid_total
        if paid + amount > locked.granted_amount:
            raise TransitionError(
                _("Together the payments would be more than granted (EUR %(granted)s; already paid EUR %(paid)s).")
                % {"granted": locked.granted_amount, "paid": paid}
            )
        payment = Payment.objects.create(
            application=locked, kind=kind, amount=amount, recorded_by=user, paid_on=paid_on or timezone.localdate()
        )
        old_status = locked.status
        if old_status in (S.GRANTED, S.PARTLY_GRANTED):
            locked.status = S.PAID
            locked.save()
        log_event(locked, user, "pay", old_status, locked.status, {"paid": (str(paid), str(paid + amount))},
                  note=payment.get_kind_display())
    return payment


def request_report(application, user, due_date=None):
    due = due_date or (timezone.localdate() + timezone.timedelta(days=application.scheme.report_term_days))
    return _transition(application, "request_report", user, report_due_date=due)


def close(application, user, note=""):
    return _transition(application, "close", user, note=note, closed_at=timezone.now())


# -- Figures -------------------------------------------------------------------------------------------


@dataclass
class BudgetRow:
    scheme: object
    year: int
    gebied: object
    budget: Decimal
    committed: Decimal
    paid: Decimal

    @property
    def remaining(self):
        return self.budget - self.committed

    def percent(self, value):
        return int(min(100, (value / self.budget * 100))) if self.budget else 0

    @property
    def committed_percent(self):
        return self.percent(self.committed)

    @property
    def paid_percent(self):
        return self.percent(self.paid)


def paid_amount(**filters):
    return Payment.objects.filter(**{f"application__{k}": v for k, v in filters.items()}).aggregate(
        total=Sum("amount")
    )["total"] or Decimal("0")


def budget_overview(scheme=None, year=None):
    """Budget, committed, paid and remaining per scheme, year and gebied (the dashboard's rows)."""
    lines = BudgetLine.objects.select_related("scheme", "gebied").order_by("scheme__title", "year", "gebied__name")
    if scheme is not None:
        lines = lines.filter(scheme=scheme)
    if year is not None:
        lines = lines.filter(year=year)
    rows = []
    for line in lines:
        scope = {"scheme_id": line.scheme_id, "budget_year": line.year}
        if line.gebied_id:
            scope["gebied_id"] = line.gebied_id
        rows.append(
            BudgetRow(line.scheme, line.year, line.gebied, line.amount, committed_amount(**scope), paid_amount(**scope))
        )
    return rows


def scheme_totals(scheme):
    """Public: per year, how much this scheme granted to how many initiatives."""
    rows = (
        Application.objects.filter(scheme=scheme, status__in=COMMITTED_STATES)
        .values("budget_year")
        .annotate(total=Sum("granted_amount"), count=Count("pk"))
        .order_by("-budget_year")
    )
    return [{"year": row["budget_year"], "total": row["total"], "count": row["count"]} for row in rows]


def overdue_reports(today=None):
    today = today or timezone.localdate()
    return Application.objects.filter(status=S.REPORT_DUE, report_due_date__lt=today).select_related("scheme", "gebied")


def funded_initiatives(gebied=None):
    """Public: funded initiatives whose applicants agreed to publication."""
    qs = (
        Application.objects.filter(status__in=COMMITTED_STATES, publish_consent=True, anonymised_at=None)
        .exclude(public_summary="")
        .select_related("scheme", "gebied", "wijk")
        .order_by("-decided_at", "-pk")
    )
    if gebied is not None:
        qs = qs.filter(gebied=gebied)
    return qs


def public_totals():
    """Public: granted amounts per scheme and year."""
    return list(
        Application.objects.filter(status__in=COMMITTED_STATES)
        .values("scheme__title", "budget_year")
        .annotate(total=Sum("granted_amount"))
        .order_by("scheme__title", "-budget_year")
    )


def anonymised_statistics():
    """Counts and amounts per scheme, status and gebied: nothing that identifies a person."""
    from django.db.models import Count

    rows = list(
        Application.objects.exclude(status=S.DRAFT)
        .values("scheme__title", "budget_year", "gebied__name", "status")
        .annotate(count=Count("pk"), requested=Sum("amount_requested"), granted=Sum("granted_amount"))
        .order_by("scheme__title", "budget_year", "gebied__name", "status")
    )
    for row in rows:
        row["status_label"] = Status(row["status"]).label
    return rows
