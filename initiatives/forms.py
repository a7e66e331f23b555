"""Forms for applicants (account, the application steps, information, report) and for staff actions."""

from decimal import Decimal

import filetype
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from home.forms import NLDSFormMixin

from .models import MAX_AMOUNT, Application, CriterionCheck, Payment, Status
from socialmap.models import Area

User = get_user_model()

# Allowed attachment types, recognised from the file's content (not its name) -> allowed extensions.
ALLOWED_TYPES = {
    "application/pdf": {"pdf"},
    "image/jpeg": {"jpg", "jpeg"},
    "image/png": {"png"},
    "image/webp": {"webp"},
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {"docx"},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"xlsx"},
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": {"pptx"},
    "application/vnd.oasis.opendocument.text": {"odt"},
    "application/vnd.oasis.opendocument.spreadsheet": {"ods"},
    "application/msword": {"doc"},
    "application/vnd.ms-excel": {"xls"},
}
PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp"}


def max_upload_size():
    return getattr(settings, "INITIATIVES_MAX_UPLOAD_SIZE", 10 * 1024 * 1024)


def check_upload(upload, allowed=None):
    """Return the content type recognised from the file's first bytes; refuse anything else."""
    allowed = allowed or ALLOWED_TYPES
    if upload.size > max_upload_size():
        raise forms.ValidationError(
            _("This file is too large (%(size)s). The maximum is %(max)s.")
            % {"size": filesizeformat(upload.size), "max": filesizeformat(max_upload_size())}
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind else None
    # filetype sees old Office files (OLE) as one type; trust the extension only within that family.
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if mime in ("application/x-ole-storage",) and extension in ("doc", "xls"):
        mime = "application/msword" if extension == "doc" else "application/vnd.ms-excel"
    if mime not in allowed or extension not in allowed[mime]:
        raise forms.ValidationError(
            _("This type of file is not allowed, or its content does not match its name. Send a PDF, a photo (JPG, PNG) or an office document.")
        )
    return mime


class RegisterForm(NLDSFormMixin, forms.Form):
    email = forms.EmailField(label=gettext_lazy("Email address"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password1 = forms.CharField(
        label=gettext_lazy("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=gettext_lazy("At least 10 characters. Not a common word."),
    )
    password2 = forms.CharField(
        label=gettext_lazy("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(username__iexact=email).exists() or User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("There is already an account with this email address. Log in, or ask for a new password."))
        return email

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords are not the same."))
        elif p1:
            try:
                password_validation.validate_password(p1, User(username=data.get("email", ""), email=data.get("email", "")))
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class EmailAuthenticationForm(NLDSFormMixin, AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Email address")
        self.fields["username"].widget.attrs["autocomplete"] = "email"

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()


class NLDSPasswordResetForm(NLDSFormMixin, PasswordResetForm):
    pass


class NLDSSetPasswordForm(NLDSFormMixin, SetPasswordForm):
    pass


def NLDSRadioSelect(attrs=None, choices=()):  # noqa: N802 - used like a widget class
    """Radio buttons with the design-system class on each input only (Django's own template also puts it on the
    wrapper). Still a plain RadioSelect, so the form-field template renders it as a fieldset with a legend."""
    widget = forms.RadioSelect({"class": "utrecht-radio-button utrecht-radio-button--html-input", **(attrs or {})}, choices)
    widget.template_name = "initiatives/widgets/radio.html"
    return widget


# -- Application steps ---------------------------------------------------------------------------------


class AboutForm(NLDSFormMixin, forms.ModelForm):
    class Meta:
        model = Application
        fields = ["applicant_type", "contact_name", "organisation_name", "phone"]
        widgets = {"applicant_type": NLDSRadioSelect()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applicant_type"].choices = self.instance.scheme.applicant_type_choices()
        self.fields["applicant_type"].required = True
        self.fields["contact_name"].required = True
        self.fields["contact_name"].widget.attrs["autocomplete"] = "name"
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"
        self.fields["phone"].help_text = _("Only so we can call you with a question.")


class PlanForm(NLDSFormMixin, forms.ModelForm):
    class Meta:
        model = Application
        fields = ["title", "what", "who", "where_when", "goal", "amount_requested"]
        widgets = {f: forms.Textarea(attrs={"rows": 4}) for f in ["what", "who", "where_when", "goal"]}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.Meta.fields:
            self.fields[name].required = True
        scheme = self.instance.scheme
        amount = self.fields["amount_requested"]
        amount.help_text = _("In euros. At most EUR %(max)s.") % {"max": scheme.max_amount}
        amount.widget.attrs.update({"inputmode": "decimal", "step": "0.01", "min": "0.01"})
        self.extra_blocks = list(scheme.extra_questions)
        for block in self.extra_blocks:
            self.fields[f"extra_{block.id}"] = self.extra_field(block)
            self.initial.setdefault(f"extra_{block.id}", self.instance.extra_answers.get(block.id))
        from home.forms import apply_nlds_classes

        apply_nlds_classes(self)

    @staticmethod
    def extra_field(block):
        value = block.value
        common = {"label": value["label"], "help_text": value.get("help_text") or "", "required": bool(value.get("required"))}
        if block.block_type == "long_text":
            return forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=5000, **common)
        if block.block_type == "yes_no":
            return forms.TypedChoiceField(
                choices=[("ja", _("Yes")), ("nee", _("No"))], widget=NLDSRadioSelect(), **common
            )
        if block.block_type == "choice":
            return forms.ChoiceField(choices=[(c, c) for c in value["choices"]], widget=NLDSRadioSelect(), **common)
        return forms.CharField(max_length=500, **common)

    def clean_amount_requested(self):
        amount = self.cleaned_data["amount_requested"]
        if amount is None:
            return amount
        if amount <= 0:
            raise forms.ValidationError(_("Fill in an amount above zero."))
        if amount > MAX_AMOUNT:
            raise forms.ValidationError(_("This amount is far too high. Check the number."))
        maximum = self.instance.scheme.max_amount
        if amount > maximum:
            raise forms.ValidationError(_("You can ask at most EUR %(max)s in this scheme.") % {"max": maximum})
        return amount

    def save(self, commit=True):
        app = super().save(commit=False)
        app.extra_answers = {block.id: self.cleaned_data.get(f"extra_{block.id}") or "" for block in self.extra_blocks}
        if commit:
            app.save()
        return app


class BudgetItemForm(NLDSFormMixin, forms.Form):
    description = forms.CharField(label=gettext_lazy("What for"), max_length=200, required=False)
    amount = forms.DecimalField(
        label=gettext_lazy("Amount in euros"), max_digits=10, decimal_places=2, required=False,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0.01"}),
    )

    def clean(self):
        data = super().clean()
        description, amount = data.get("description"), data.get("amount")
        if amount is not None and not description:
            self.add_error("description", _("Say what this amount is for."))
        if description and amount is None and "amount" not in self.errors:
            self.add_error("amount", _("Fill in the amount."))
        if amount is not None:
            if amount <= 0:
                self.add_error("amount", _("Fill in an amount above zero."))
            elif amount > MAX_AMOUNT:
                self.add_error("amount", _("This amount is far too high. Check the number."))
        return data


class BaseBudgetFormSet(forms.BaseFormSet):
    def __init__(self, *args, application=None, **kwargs):
        self.application = application
        super().__init__(*args, **kwargs)

    def lines(self):
        return [
            (f.cleaned_data["description"], f.cleaned_data["amount"])
            for f in self.forms
            if f.cleaned_data.get("description") and f.cleaned_data.get("amount") is not None
        ]

    def clean(self):
        if any(self.errors):
            return
        lines = self.lines()
        if not lines:
            raise forms.ValidationError(_("Fill in at least one line of your budget."))
        total = sum((a for _d, a in lines), Decimal("0"))
        asked = self.application.amount_requested
        if asked is None:
            raise forms.ValidationError(_("First fill in the amount you ask for in the step 'Your plan'."))
        if total != asked:
            raise forms.ValidationError(
                _("Your budget lines add up to EUR %(total)s. That must be the same as the amount you ask: EUR %(asked)s.")
                % {"total": total, "asked": asked}
            )


BudgetFormSet = forms.formset_factory(BudgetItemForm, formset=BaseBudgetFormSet, extra=2, max_num=30, validate_max=True)


class AreaForm(NLDSFormMixin, forms.ModelForm):
    class Meta:
        model = Application
        fields = ["gebied", "wijk"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gebied"].required = True
        self.fields["gebied"].queryset = Area.objects.filter(kind="gebied").order_by("name")
        self.fields["gebied"].empty_label = _("Choose an area")
        self.fields["wijk"].queryset = Area.objects.filter(kind__in=["wijk", "dorp"]).order_by("name")
        self.fields["wijk"].empty_label = _("The whole area, or I don't know")
        self.fields["wijk"].help_text = _("Optional: the district or village where it happens.")

    def clean(self):
        data = super().clean()
        gebied, wijk = data.get("gebied"), data.get("wijk")
        if gebied and wijk and wijk.parent_id != gebied.pk:
            self.add_error("wijk", _("%(wijk)s is not part of %(gebied)s.") % {"wijk": wijk, "gebied": gebied})
        return data


class AttachmentForm(NLDSFormMixin, forms.Form):
    file = forms.FileField(label=gettext_lazy("File"))
    description = forms.CharField(label=gettext_lazy("What is this file?"), max_length=200, required=False)

    def __init__(self, *args, photos_only=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.photos_only = photos_only
        self.fields["file"].help_text = _("PDF, photo (JPG, PNG) or office document, at most %(max)s.") % {
            "max": filesizeformat(max_upload_size())
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        allowed = {k: v for k, v in ALLOWED_TYPES.items() if k in PHOTO_TYPES or not self.photos_only}
        self.content_type = check_upload(upload, allowed)
        return upload


class PaymentDetailsForm(NLDSFormMixin, forms.ModelForm):
    class Meta:
        model = Application
        fields = ["iban", "account_holder", "publish_consent", "public_summary"]
        widgets = {"public_summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["iban"].required = True
        self.fields["iban"].help_text = _("For example NL91 ABNA 0417 1643 00. We pay the money into this account.")
        self.fields["account_holder"].required = True
        self.fields["publish_consent"].label = _("Yes, the municipality may publish a short summary of my initiative on this site")
        self.fields["publish_consent"].help_text = _("We show the name of the initiative, the area, the amount and your summary. Never your name or address.")
        self.fields["public_summary"].help_text = _("Two or three sentences for other residents.")
        self.fields["public_summary"].max_length = 600

    def clean_iban(self):
        value = self.cleaned_data["iban"]
        try:
            return IBAN(value).compact
        except SchwiftyException:
            raise forms.ValidationError(_("This is not a valid IBAN. Check the numbers and letters."))

    def clean(self):
        data = super().clean()
        if data.get("publish_consent") and not (data.get("public_summary") or "").strip():
            self.add_error("public_summary", _("Write a short summary, or do not tick the box for publication."))
        return data


STEP_FORMS = {"about": AboutForm, "plan": PlanForm, "area": AreaForm, "payment": PaymentDetailsForm}


class InformationAnswerForm(NLDSFormMixin, forms.Form):
    answer = forms.CharField(label=gettext_lazy("Your answer"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)
    file = forms.FileField(label=gettext_lazy("File"), required=False)

    content_type = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("PDF, photo (JPG, PNG) or office document, at most %(max)s.") % {
            "max": filesizeformat(max_upload_size())
        }

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            self.content_type = check_upload(upload)
        return upload


class ReportForm(NLDSFormMixin, forms.Form):
    results = forms.CharField(
        label=gettext_lazy("What did you achieve?"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000,
        help_text=gettext_lazy("Tell it in your own words: what happened, who took part, what went well."),
    )

    def __init__(self, *args, application=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(application.budget_items.all())
        for item in self.items:
            self.fields[f"spent_{item.pk}"] = forms.DecimalField(
                label=_("Spent on: %(line)s (budget EUR %(amount)s)") % {"line": item.description, "amount": item.amount},
                min_value=Decimal("0"), max_value=MAX_AMOUNT, max_digits=10, decimal_places=2,
                widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0"}),
            )
        self.fields["photo"] = forms.FileField(
            label=_("Photo (optional)"), required=False, help_text=_("A JPG or PNG photo, at most %(max)s.") % {"max": filesizeformat(max_upload_size())}
        )
        from home.forms import apply_nlds_classes

        apply_nlds_classes(self)

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo:
            self.photo_type = check_upload(photo, {k: v for k, v in ALLOWED_TYPES.items() if k in PHOTO_TYPES})
        return photo

    def spending(self):
        return [
            {"description": item.description, "budget": str(item.amount), "spent": str(self.cleaned_data[f"spent_{item.pk}"])}
            for item in self.items
        ]


# -- Staff ---------------------------------------------------------------------------------------------


class QueueFilterForm(forms.Form):
    scheme = forms.ModelChoiceField(label=gettext_lazy("Scheme"), queryset=None, required=False)
    round = forms.CharField(label=gettext_lazy("Round"), required=False)
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    gebied = forms.ModelChoiceField(label=gettext_lazy("Area"), queryset=None, required=False)
    mine = forms.BooleanField(label=gettext_lazy("Assigned to me"), required=False)

    def __init__(self, *args, **kwargs):
        from .models import BudgetSchemePage

        super().__init__(*args, **kwargs)
        self.fields["scheme"].queryset = BudgetSchemePage.objects.all().order_by("title")
        self.fields["gebied"].queryset = Area.objects.filter(kind="gebied").order_by("name")
        self.fields["status"].choices = [("", _("All except drafts"))] + [
            (v, label) for v, label in Status.choices if v != Status.DRAFT
        ]


class AssignForm(forms.Form):
    reviewer = forms.ModelChoiceField(label=gettext_lazy("Reviewer"), queryset=None, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.db.models import Q

        self.fields["reviewer"].queryset = (
            User.objects.filter(
                Q(groups__permissions__codename="review_application") | Q(is_superuser=True), is_active=True
            ).distinct().order_by("username")
        )


class QuestionForm(forms.Form):
    question = forms.CharField(label=gettext_lazy("Question for the applicant"), widget=forms.Textarea(attrs={"rows": 3}))


class CheckForm(forms.Form):
    criterion = forms.CharField(widget=forms.HiddenInput)
    result = forms.ChoiceField(label=gettext_lazy("Result"), choices=[("", "—")] + CriterionCheck.RESULTS, required=False)
    note = forms.CharField(label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AdviceForm(forms.Form):
    advice = forms.CharField(label=gettext_lazy("Advice"), widget=forms.Textarea(attrs={"rows": 4}))
    amount = forms.DecimalField(label=gettext_lazy("Advised amount"), required=False, min_value=0, max_digits=10, decimal_places=2)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[(Status.GRANTED, Status.GRANTED.label), (Status.PARTLY_GRANTED, Status.PARTLY_GRANTED.label),
                 (Status.REJECTED, Status.REJECTED.label)],
        widget=forms.RadioSelect,
    )
    amount = forms.DecimalField(label=gettext_lazy("Amount granted"), required=False, min_value=0, max_digits=10, decimal_places=2)
    reasons = forms.CharField(label=gettext_lazy("Reasons"), widget=forms.Textarea(attrs={"rows": 4}))


class PaymentForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Payment.KINDS)
    amount = forms.DecimalField(label=gettext_lazy("Amount"), min_value=Decimal("0.01"), max_digits=10, decimal_places=2)
    paid_on = forms.DateField(label=gettext_lazy("Paid on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class ReportDueForm(forms.Form):
    due = forms.DateField(label=gettext_lazy("Report due on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
