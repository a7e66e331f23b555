"""The public page behind the link in the periodic-check e-mail (no login; the signed token is the key)."""

from django import forms
from django.core import signing
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from home.forms import NLDSFormMixin

from . import review
from .models import Facility


class CorrectionForm(NLDSFormMixin, forms.ModelForm):
    note = forms.CharField(
        label=_("Anything else that has changed"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example new opening hours, another address or phone number."),
    )
    sender = forms.CharField(label=_("Your name"), required=False, max_length=200)

    class Meta:
        model = Facility
        fields = review.CORRECTABLE_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "eligibility_description": forms.Textarea(attrs={"rows": 3}),
            "fees_description": forms.Textarea(attrs={"rows": 3}),
            "application_process": forms.Textarea(attrs={"rows": 3}),
        }

    def changes(self):
        return {name: self.cleaned_data[name] for name in review.CORRECTABLE_FIELDS if name in self.changed_data}


@never_cache
def review_view(request, token):
    try:
        facility = review.facility_for_token(token)
    except signing.SignatureExpired:
        return TemplateResponse(request, "socialmap/review/invalid.html", {"expired": True}, status=410)
    except (signing.BadSignature, Facility.DoesNotExist, KeyError, TypeError, ValueError):
        return TemplateResponse(request, "socialmap/review/invalid.html", {"expired": False}, status=404)

    draft = facility.get_latest_revision_as_object()
    form = CorrectionForm(instance=draft)
    if request.method == "POST":
        if request.POST.get("action") == "confirm":
            review.confirm_facility(facility)
            return redirect("socialmap:review_done", token=token, outcome="bevestigd")
        form = CorrectionForm(request.POST, instance=draft)
        if form.is_valid():
            changes = form.changes()
            if not changes and not form.cleaned_data["note"]:
                form.add_error(None, _("You did not change anything. If everything is correct, choose 'Everything is correct'."))
            else:
                review.submit_correction(Facility.objects.get(pk=facility.pk), changes, form.cleaned_data["note"], form.cleaned_data["sender"])
                return redirect("socialmap:review_done", token=token, outcome="verbeterd")
    return TemplateResponse(request, "socialmap/review/review.html", {"facility": facility, "object": draft, "form": form})


@never_cache
def review_done_view(request, token, outcome):
    try:
        facility = review.facility_for_token(token)
    except (signing.BadSignature, Facility.DoesNotExist, KeyError, TypeError, ValueError):
        return TemplateResponse(request, "socialmap/review/invalid.html", {"expired": False}, status=404)
    return TemplateResponse(request, "socialmap/review/done.html", {"facility": facility, "corrected": outcome == "verbeterd"})
