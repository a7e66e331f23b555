"""Staff views in the Wagtail admin: the queue, one application with its actions, the budget dashboard,
overdue reports, the CSV export for finance and anonymised statistics."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from . import emails, services
from .forms import (
    AdviceForm,
    AssignForm,
    CheckForm,
    DecisionForm,
    PaymentForm,
    QueueFilterForm,
    QuestionForm,
    ReportDueForm,
)
from .models import COMMITTED_STATES, Application, Status


def staff_required(perm):
    return permission_required(perm, raise_exception=True)


def filtered_queue(params, user):
    """The applications the queue shows, filtered by scheme, round, status, gebied and assignment."""
    form = QueueFilterForm(params or None)
    qs = Application.objects.exclude(status=Status.DRAFT).select_related("scheme", "round", "gebied", "assigned_to")
    if form.is_valid():
        data = form.cleaned_data
        if data.get("scheme"):
            qs = qs.filter(scheme=data["scheme"])
        if data.get("round"):
            qs = qs.filter(round__name__icontains=data["round"])
        if data.get("status"):
            qs = qs.filter(status=data["status"])
        if data.get("gebied"):
            qs = qs.filter(gebied=data["gebied"])
        if data.get("mine"):
            qs = qs.filter(assigned_to=user)
    return form, qs.order_by("submitted_at")


@staff_required("initiatives.view_application")
def queue(request):
    form, applications = filtered_queue(request.GET, request.user)
    return render(request, "initiatives/admin/queue.html", {"filter_form": form, "applications": applications[:500]})


def _criteria(app):
    checks = {c.criterion: c for c in app.criterion_checks.all()}
    rows = []
    for block in app.scheme.criteria:
        title = block.value["title"]
        check = checks.get(title)
        rows.append((block.value, CheckForm(prefix=f"c{block.id}", initial={
            "criterion": title, "result": check.result if check else "", "note": check.note if check else ""})))
    return rows


@staff_required("initiatives.view_application")
def detail(request, pk):
    app = get_object_or_404(Application.objects.select_related("scheme", "round", "gebied", "wijk", "applicant"), pk=pk)
    if app.status == Status.DRAFT:
        raise PermissionDenied
    if request.method == "POST":
        try:
            handle_action(request, app)
        except services.TransitionError as exc:
            messages.error(request, str(exc))
        return redirect("initiatives_admin:detail", pk=app.pk)
    can_decide = request.user.has_perm("initiatives.decide_application")
    return render(request, "initiatives/admin/detail.html", {
        "application": app, "iban": app.iban_for(request.user), "allowed": services.allowed_actions(app, request.user),
        "can_decide": can_decide, "can_review": request.user.has_perm("initiatives.review_application"),
        "assign_form": AssignForm(initial={"reviewer": app.assigned_to_id}), "question_form": QuestionForm(),
        "advice_form": AdviceForm(initial={"amount": app.amount_requested}),
        "decision_form": DecisionForm(initial={"amount": app.advised_amount or app.amount_requested}),
        "payment_form": PaymentForm(), "report_form": ReportDueForm(),
        "criteria": _criteria(app), "events": app.events.select_related("actor").order_by("-created_at"),
        "budget_items": app.budget_items.all(), "attachments": app.attachments.all(), "payments": app.payments.all(),
        "requests": app.information_requests.all(),
        "extra": [(b.value["label"], app.extra_answers.get(b.id, "")) for b in app.scheme.extra_questions],
        "can_see_files": request.user.has_perm("initiatives.decide_application") or app.assigned_to_id == request.user.pk,
    })


def handle_action(request, app):
    action, user, post = request.POST.get("action"), request.user, request.POST
    if action == "assign":
        form = AssignForm(post)
        if form.is_valid():
            services.assign(app, user, form.cleaned_data["reviewer"])
            messages.success(request, _("The reviewer has been assigned."))
    elif action == "start_review":
        services.start_review(app, user)
        messages.success(request, _("The review has started."))
    elif action == "check":
        for block in app.scheme.criteria:
            form = CheckForm(post, prefix=f"c{block.id}")
            if form.is_valid() and form.cleaned_data["criterion"] == block.value["title"]:
                services.check_criterion(app, user, block.value["title"], form.cleaned_data["result"], form.cleaned_data["note"])
        messages.success(request, _("The checklist has been saved."))
    elif action == "request_info":
        form = QuestionForm(post)
        if not form.is_valid():
            raise services.TransitionError(_("Write the question for the applicant."))
        app = services.request_information(app, user, form.cleaned_data["question"])
        emails.send_information_request(app, form.cleaned_data["question"])
        messages.success(request, _("The question has been sent to the applicant."))
    elif action == "advise":
        form = AdviceForm(post)
        if not form.is_valid():
            raise services.TransitionError(_("Write the advice."))
        services.advise(app, user, form.cleaned_data["advice"], form.cleaned_data["amount"])
        messages.success(request, _("The advice has been saved."))
    elif action == "decide":
        form = DecisionForm(post)
        if not form.is_valid():
            raise services.TransitionError(_("Choose a decision and give the reasons."))
        data = form.cleaned_data
        app = services.decide(app, user, data["decision"], data["amount"], data["reasons"])
        emails.send_decision(app)
        messages.success(request, _("The decision has been saved and the letter has been sent."))
    elif action == "pay":
        form = PaymentForm(post)
        if not form.is_valid():
            raise services.TransitionError(_("Fill in the kind and the amount of the payment."))
        services.record_payment(app, user, form.cleaned_data["kind"], form.cleaned_data["amount"], form.cleaned_data["paid_on"])
        messages.success(request, _("The payment has been recorded."))
    elif action == "request_report":
        form = ReportDueForm(post)
        form.is_valid()
        app = services.request_report(app, user, form.cleaned_data.get("due"))
        emails.send_report_request(app)
        messages.success(request, _("The applicant has been asked for the report."))
    elif action == "close":
        services.close(app, user)
        messages.success(request, _("The application has been closed."))
    else:
        raise services.TransitionError(_("Unknown action."))


@staff_required("initiatives.view_application")
def letter_pdf(request, pk):
    app = get_object_or_404(Application, pk=pk, status__in=COMMITTED_STATES + [Status.REJECTED])
    response = HttpResponse(emails.decision_letter_pdf(app), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="besluit-{app.reference}.pdf"'
    return response


@staff_required("initiatives.view_application")
def dashboard(request):
    rows = services.budget_overview()
    return render(request, "initiatives/admin/dashboard.html", {
        "rows": rows, "overdue": services.overdue_reports(), "today": timezone.localdate(),
        "chart_height": 40 * len(rows) + 20,
    })


@staff_required("initiatives.export_application")
def export_csv(request):
    """Decisions for finance: one row per decided application. The full IBAN only for those allowed to see it."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="besluiten.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow([_("reference"), _("scheme"), _("round"), _("area"), _("budget year"), _("decision"), _("amount requested"),
                     _("amount granted"), _("paid"), _("decided"), _("account holder"), _("IBAN")])
    apps = Application.objects.filter(status__in=COMMITTED_STATES + [Status.REJECTED]).select_related("scheme", "round", "gebied")
    for app in apps.order_by("decided_at"):
        writer.writerow([app.reference, app.scheme.title, app.round.name if app.round else "", app.gebied.name if app.gebied else "",
                         app.budget_year, app.get_status_display(), app.amount_requested, app.granted_amount or "",
                         app.paid_total, timezone.localtime(app.decided_at).strftime("%Y-%m-%d") if app.decided_at else "",
                         app.account_holder, app.iban_for(request.user)])
    return response


@staff_required("initiatives.view_application")
def statistics(request):
    return render(request, "initiatives/admin/statistics.html", {"rows": services.anonymised_statistics()})

