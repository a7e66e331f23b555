"""Forms of the social map: the admin's facility form and the public error report."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from home.forms import NLDSFormMixin

from .reports import FacilityReport


class FacilityAdminForm(WagtailAdminModelForm):
    """A partner may only keep a facility with one of their own organisations."""

    def clean_organisation(self):
        from .permissions import is_restricted, member_organisation_ids

        organisation = self.cleaned_data.get("organisation")
        user = getattr(self, "for_user", None)
        if organisation is not None and user is not None and is_restricted(user):
            if organisation.pk not in member_organisation_ids(user):
                raise forms.ValidationError(_("You can only choose an organisation you work for."))
        return organisation


class FacilityReportForm(NLDSFormMixin, forms.ModelForm):
    """'Meld een fout': what is wrong, and an optional email address for a reply. The 'homepage' field is a
    honeypot: it is hidden from people, and spam robots that fill it in get a thank-you and nothing is saved."""

    homepage = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta:
        model = FacilityReport
        fields = ["message", "email"]
        labels = {"message": _("What is wrong or out of date?"), "email": _("Your email address")}
        help_texts = {
            "message": _("For example a new phone number, other opening hours, or that it no longer exists."),
            "email": _("Only if you want an answer. We use it for nothing else."),
        }
        widgets = {
            "message": forms.Textarea(attrs={"rows": 5, "maxlength": 2000}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }
        error_messages = {
            "message": {"required": _("Tell us what is wrong."), "max_length": _("Use at most 2000 characters.")},
            "email": {"invalid": _("Enter an email address like name@example.nl, or leave it empty.")},
        }

    def clean_message(self):
        message = self.cleaned_data["message"].strip()
        if not message:
            raise forms.ValidationError(_("Tell us what is wrong."))
        return message

    @property
    def is_spam(self):
        return bool(self.cleaned_data.get("homepage"))

    def visible_fields(self):
        return [f for f in super().visible_fields() if f.name != "homepage"]
