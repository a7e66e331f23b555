"""Public and applicant views. They stay thin: the rules live in services.py and forms.py."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import emails, services
from .forms import (
    STEP_FORMS,
    AttachmentForm,
    BudgetFormSet,
    EmailAuthenticationForm,
    InformationAnswerForm,
    NLDSPasswordResetForm,
    NLDSSetPasswordForm,
    RegisterForm,
    ReportForm,
)
from .models import Application, ApplicationBudgetItem, Attachment, BudgetSchemePage, Status
from operations.storage import STORAGE_ERROR_MESSAGE, STORAGE_ERRORS
from socialmap.models import Area

User = get_user_model()
LOGIN_URL = reverse_lazy("initiatives:login")
VERIFY_SALT = "initiatives.verify-email"
VERIFY_MAX_AGE = 3 * 24 * 3600
PENDING_KEY = "initiatives_pending_post"

STEPS = [
    ("about", gettext_lazy("About you")),
    ("plan", gettext_lazy("Your plan")),
    ("budget", gettext_lazy("Budget")),
    ("area", gettext_lazy("Area")),
    ("attachments", gettext_lazy("Attachments")),
    ("payment", gettext_lazy("Bank account and publication")),
    ("check", gettext_lazy("Check and submit")),
]
STEP_SLUGS = [s for s, _label in STEPS]


def applicant_required(view):
    return login_required(view, login_url=LOGIN_URL)


# -- Accounts ------------------------------------------------------------------------------------------


def verification_token(user):
    return signing.dumps({"u": user.pk, "e": user.email}, salt=VERIFY_SALT)


def register(request):
    if request.user.is_authenticated:
        return redirect("initiatives:my_applications")
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        user = User.objects.create_user(username=email, email=email, password=form.cleaned_data["password1"], is_active=False)
        link = request.build_absolute_uri(reverse("initiatives:verify", args=[verification_token(user)]))
        emails.send_verification(user, link)
        return render(request, "initiatives/account/register_done.html", {"email": email})
    return render(request, "initiatives/account/register.html", {"form": form})


def verify(request, token):
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE)
        user = User.objects.get(pk=data["u"], email=data["e"])
    except (signing.BadSignature, User.DoesNotExist, KeyError, TypeError):
        return render(request, "initiatives/account/verify_failed.html", status=400)
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(request, _("Your email address is confirmed. You can now apply."))
    return redirect("initiatives:my_applications")


class LoginView(auth_views.LoginView):
    template_name = "initiatives/account/login.html"
    authentication_form = EmailAuthenticationForm

    def get_default_redirect_url(self):
        return reverse("initiatives:my_applications")


class LogoutView(auth_views.LogoutView):
    next_page = "/"


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "initiatives/account/password_reset.html"
    email_template_name = "initiatives/emails/password_reset.txt"
    subject_template_name = "initiatives/emails/password_reset_subject.txt"
    form_class = NLDSPasswordResetForm
    success_url = reverse_lazy("initiatives:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "initiatives/account/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "initiatives/account/password_reset_confirm.html"
    form_class = NLDSSetPasswordForm
    success_url = reverse_lazy("initiatives:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "initiatives/account/password_reset_complete.html"


# -- My applications -----------------------------------------------------------------------------------


def own_application(request, public_id):
    """The applicant's own application; anybody else's is 'not found' (no hint that it exists)."""
    return get_object_or_404(Application.objects.select_related("scheme", "round", "gebied", "wijk"),
                             public_id=public_id, applicant=request.user)


@applicant_required
def my_applications(request):
    applications = Application.objects.filter(applicant=request.user).select_related("scheme").order_by("-updated_at")
    return render(request, "initiatives/my_applications.html", {"applications": applications})


@applicant_required
def start(request, scheme_id):
    scheme = get_object_or_404(BudgetSchemePage.objects.live(), pk=scheme_id)
    open_rounds = scheme.open_rounds()
    if request.method == "POST":
        if not open_rounds:
            messages.error(request, _("This scheme has no open round at the moment. You cannot apply now."))
            return redirect(scheme.url)
        app = Application.objects.create(scheme=scheme, applicant=request.user, round=open_rounds[0],
                                          contact_name=request.user.get_full_name())
        services.log_event(app, request.user, "create")
        return redirect("initiatives:step", public_id=app.public_id, step="about")
    return render(request, "initiatives/start.html", {"scheme": scheme, "open_rounds": open_rounds})


def _remember_post(request):
    """The session expired while typing: keep what was sent so the form can be filled again after login."""
    data = {k: request.POST.getlist(k) for k in request.POST if k != "csrfmiddlewaretoken"}
    request.session[PENDING_KEY] = {"path": request.path, "data": data}


def _pending_post(request):
    pending = request.session.get(PENDING_KEY)
    if pending and pending.get("path") == request.path:
        del request.session[PENDING_KEY]
        from django.http import QueryDict

        query = QueryDict(mutable=True)
        for key, values in pending["data"].items():
            query.setlist(key, values)
        return query
    return None


def step(request, public_id, step):
    if step not in STEP_SLUGS:
        raise Http404
    if not request.user.is_authenticated:
        if request.method == "POST":
            _remember_post(request)
            messages.warning(request, _("You were logged out because you were away for a while. Log in again: what you typed has been kept."))
        return HttpResponseRedirect(f"{LOGIN_URL}?next={request.path}")
    app = own_application(request, public_id)
    if app.status != Status.DRAFT:
        return redirect("initiatives:detail", public_id=app.public_id)
    data = request.POST if request.method == "POST" else _pending_post(request)
    if data is not None and request.method != "POST":
        messages.info(request, _("We filled in what you typed before. Check it and save."))
    handler = {"budget": _budget_step, "attachments": _attachments_step, "check": _check_step}.get(step, _form_step)
    return handler(request, app, step, data)


def _context(app, step, **extra):
    index = STEP_SLUGS.index(step)
    context = {
        "application": app, "scheme": app.scheme, "steps": STEPS, "current_step": step, "step_number": index + 1,
        "step_count": len(STEPS), "step_title": dict(STEPS)[step],
        "previous_step": STEP_SLUGS[index - 1] if index else None,
    }
    context.update(extra)
    return context


def _after_save(request, app, step, changes):
    if step not in app.completed_steps:
        app.completed_steps = [*app.completed_steps, step]
        Application.objects.filter(pk=app.pk).update(completed_steps=app.completed_steps)
    if changes:
        services.log_event(app, request.user, "edit", changes=changes, note=step)
    if "save_only" in request.POST:
        messages.success(request, _("Saved. You can continue later from 'My applications'."))
        return redirect("initiatives:step", public_id=app.public_id, step=step)
    return redirect("initiatives:step", public_id=app.public_id, step=STEP_SLUGS[STEP_SLUGS.index(step) + 1])


def _form_step(request, app, step, data):
    form_class = STEP_FORMS[step]
    form = form_class(data, instance=app)
    if request.method == "POST" and form.is_valid():
        fields = [f for f in form.Meta.fields] + (["extra_answers"] if step == "plan" else [])
        before = services.snapshot(app, fields)
        app = form.save()
        return _after_save(request, app, step, services.diff(before, app))
    return render(request, "initiatives/step_form.html", _context(app, step, form=form))


def _budget_step(request, app, step, data):
    initial = [{"description": i.description, "amount": i.amount} for i in app.budget_items.all()]
    formset = BudgetFormSet(data, initial=initial, application=app, prefix="lines")
    if request.method == "POST" and formset.is_valid():
        lines = formset.lines()
        old = [[i.description, str(i.amount)] for i in app.budget_items.all()]
        with transaction.atomic():
            app.budget_items.all().delete()
            ApplicationBudgetItem.objects.bulk_create(
                [ApplicationBudgetItem(application=app, description=d, amount=a, position=n) for n, (d, a) in enumerate(lines)]
            )
        new = [[d, str(a)] for d, a in lines]
        return _after_save(request, app, step, {"budget": (old, new)} if old != new else {})
    return render(request, "initiatives/step_budget.html", _context(app, step, formset=formset))


def _attachments_step(request, app, step, data):
    form = AttachmentForm()
    if request.method == "POST":
        if "remove" in request.POST:
            attachment = app.attachments.filter(public_id=request.POST["remove"]).first()
            if attachment:
                services.remove_attachment(app, request.user, attachment)
                messages.success(request, _("The file has been removed."))
            return redirect("initiatives:step", public_id=app.public_id, step=step)
        if request.FILES.get("file"):
            form = AttachmentForm(request.POST, request.FILES)
            if form.is_valid():
                attachment = _store_or_form_error(form, "file", services.add_attachment, app, request.user,
                                                  form.cleaned_data["file"], form.content_type,
                                                  description=form.cleaned_data.get("description", ""))
                if attachment is not None:
                    messages.success(request, _("The file %(name)s has been added.") % {"name": attachment.original_name})
                    return redirect("initiatives:step", public_id=app.public_id, step=step)
        elif "upload" in request.POST:
            form = AttachmentForm(request.POST, request.FILES)
            form.is_valid()
        else:
            return _after_save(request, app, step, {})
    return render(request, "initiatives/step_attachments.html",
                  _context(app, step, form=form, attachments=app.attachments.filter(kind=Attachment.APPLICATION)))


def _store_or_form_error(form, field, store, *args, **kwargs):
    """Run a service that stores a file. When the storage fails (full, no permission, S3 down) the service has
    left nothing behind; the clear error goes on the form's file field and the caller shows the same form again,
    with everything typed still in it. Returns the service's result, or None after a storage failure."""
    try:
        return store(*args, **kwargs)
    except STORAGE_ERRORS:
        form.add_error(field, STORAGE_ERROR_MESSAGE)
        return None


def _check_step(request, app, step, data):
    problems = services.completeness_problems(app)
    return render(request, "initiatives/step_check.html", _context(
        app, step, problems=problems, step_labels=dict(STEPS), budget_items=app.budget_items.all(),
        attachments=app.attachments.all(), extra=_extra_answers(app),
    ))


def _extra_answers(app):
    return [(b.value["label"], app.extra_answers.get(b.id, "")) for b in app.scheme.extra_questions]


@require_POST
def submit(request, public_id):
    if not request.user.is_authenticated:
        messages.warning(request, _("You were logged out because you were away for a while. Log in again: your draft has been kept."))
        return HttpResponseRedirect(f"{LOGIN_URL}?next={reverse('initiatives:step', args=[public_id, 'check'])}")
    app = own_application(request, public_id)
    try:
        app, created = services.submit(app, request.user)
    except services.TransitionError as exc:
        messages.error(request, str(exc))
        return redirect("initiatives:step", public_id=app.public_id, step="check")
    if created:
        emails.send_receipt(app)
    return redirect("initiatives:receipt", public_id=app.public_id)


@applicant_required
def receipt(request, public_id):
    app = own_application(request, public_id)
    if not app.reference:
        return redirect("initiatives:step", public_id=app.public_id, step="check")
    return render(request, "initiatives/receipt.html", {"application": app})


@applicant_required
def detail(request, public_id):
    app = own_application(request, public_id)
    answering = request.method == "POST" and "answer" in request.POST
    info_form = InformationAnswerForm(request.POST, request.FILES) if answering else InformationAnswerForm()
    if answering and info_form.is_valid():
        upload = info_form.cleaned_data.get("file")
        # The file goes in the same transaction as the answer: both are saved, or neither.
        attachment = services.new_attachment(app, upload, info_form.content_type, kind=Attachment.INFORMATION) if upload else None
        try:
            done = _store_or_form_error(info_form, "file", services.answer_information, app, request.user,
                                        info_form.cleaned_data["answer"], attachment=attachment)
        except services.TransitionError as exc:
            done = None
            messages.error(request, str(exc))
        if done is not None:
            messages.success(request, _("Thank you. We have received your answer."))
            return redirect("initiatives:detail", public_id=app.public_id)
    return render(request, "initiatives/detail.html", {
        "application": app, "info_form": info_form, "open_request": app.information_requests.filter(answered_at=None).last(),
        "events": app.events.exclude(action__in=["edit", "check", "assign"]).order_by("-created_at"),
        "budget_items": app.budget_items.all(), "attachments": app.attachments.all(), "extra": _extra_answers(app),
        "masked_iban": app.masked_iban,
    })


@applicant_required
def report(request, public_id):
    app = own_application(request, public_id)
    if app.status != Status.REPORT_DUE:
        messages.info(request, _("No report is asked for this application now."))
        return redirect("initiatives:detail", public_id=app.public_id)
    form = ReportForm(request.POST or None, request.FILES or None, application=app)
    if request.method == "POST" and form.is_valid():
        photo = form.cleaned_data.get("photo")
        attachment = services.new_attachment(app, photo, form.photo_type, kind=Attachment.REPORT) if photo else None
        try:
            done = _store_or_form_error(form, "photo", services.submit_report, app, request.user,
                                        form.cleaned_data["results"], form.spending(), photo=attachment)
        except services.TransitionError as exc:
            done = None
            messages.error(request, str(exc))
        if done is not None:
            messages.success(request, _("Thank you for your report."))
            return redirect("initiatives:detail", public_id=app.public_id)
    return render(request, "initiatives/report.html", {"application": app, "form": form})


@applicant_required
@require_POST
def withdraw(request, public_id):
    app = own_application(request, public_id)
    try:
        services.withdraw(app, request.user)
        messages.success(request, _("Your application has been withdrawn."))
    except services.TransitionError as exc:
        messages.error(request, str(exc))
    return redirect("initiatives:my_applications")


@applicant_required
def delete_draft(request, public_id):
    app = own_application(request, public_id)
    if app.status != Status.DRAFT:
        messages.error(request, _("Only a draft can be deleted. You can withdraw a submitted application."))
        return redirect("initiatives:detail", public_id=app.public_id)
    if request.method == "POST":
        with transaction.atomic():
            services.delete_files_on_commit(app.attachments.all())
            app.delete()
        messages.success(request, _("Your draft has been deleted."))
        return redirect("initiatives:my_applications")
    return render(request, "initiatives/delete_draft.html", {"application": app})


@applicant_required
def my_data(request):
    """Everything we keep about the applicant, as JSON (AVG: right of access)."""
    from .privacy import applicant_data

    response = HttpResponse(
        json.dumps(applicant_data(request.user), cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="mijn-gegevens.json"'
    return response


def can_see_attachment(user, attachment):
    app = attachment.application
    if not user.is_authenticated:
        return False
    if app.applicant_id == user.pk:
        return True
    if app.assigned_to_id == user.pk and user.has_perm("initiatives.review_application"):
        return True
    return user.has_perm("initiatives.decide_application")


def attachment_download(request, public_id):
    attachment = get_object_or_404(Attachment.objects.select_related("application"), public_id=public_id)
    if not can_see_attachment(request.user, attachment):
        if not request.user.is_authenticated:
            return HttpResponseRedirect(f"{LOGIN_URL}?next={request.path}")
        raise PermissionDenied
    response = FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name,
                            content_type=attachment.content_type)
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# -- Public: funded initiatives ------------------------------------------------------------------------


def funded(request, gebied_slug=None):
    gebied = get_object_or_404(Area, slug=gebied_slug, kind="gebied") if gebied_slug else None
    initiatives = list(services.funded_initiatives(gebied))
    points = [
        {"title": i.title, "amount": str(i.granted_amount), "area": i.gebied.name,
         "lat": (i.wijk or i.gebied).latitude, "lng": (i.wijk or i.gebied).longitude}
        for i in initiatives
        if i.gebied and (i.wijk or i.gebied).latitude is not None
    ]
    return render(request, "initiatives/funded.html", {
        "initiatives": initiatives, "gebied": gebied, "gebieden": Area.objects.filter(kind="gebied").order_by("name"),
        "totals": services.public_totals(), "map_points": points, "map_tiles": settings.MAP_TILES_URL,
    })
