from django import forms
from django.utils.translation import gettext_lazy as _

from home.forms import NLDSFormMixin

from .reports import FacilityReport


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
