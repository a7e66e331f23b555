"""Admin forms of the social map."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm


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
