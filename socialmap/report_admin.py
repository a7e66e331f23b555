"""'Meldingen' in the Wagtail admin: staff read residents' reports, mark them handled and keep notes.
Changing the facility itself stays a separate, deliberate edit of the facility snippet."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from .reports import FacilityReport


class ReportEditView(generic.EditView):
    def save_instance(self):
        # Who handled it and when, from the logged-in user (the form itself only has status and notes).
        report = self.form.instance
        previous = FacilityReport.objects.filter(pk=report.pk).values("status", "handled_by_id").first() or {}
        new_status = report.status
        report.status, report.handled_by_id = previous.get("status", report.status), previous.get("handled_by_id")
        report.mark_status(new_status, self.request.user)
        return super().save_instance()


class ReportPermissionPolicy(ModelPermissionPolicy):
    """Reports come from residents only: nobody adds one in the admin, superusers included."""

    def user_has_permission(self, user, action):
        return action != "add" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return super().user_has_any_permission(user, [a for a in actions if a != "add"])


class FacilityReportViewSet(ModelViewSet):
    model = FacilityReport
    name = "facility_reports"
    url_prefix = "socialmap/meldingen"
    icon = "warning"
    menu_label = _("Reports")
    menu_order = 290
    add_to_admin_menu = True
    edit_view_class = ReportEditView
    form_fields = ["status", "staff_notes"]
    list_display = ["facility", "message", "created_at", "status", "handled_by"]
    list_filter = ["status"]
    search_fields = ["message", "facility__name"]
    ordering = ["-created_at"]
    copy_view_enabled = False
    inspect_view_enabled = True



register_permission_policy(FacilityReport, ReportPermissionPolicy(FacilityReport), exact_class=True)
facility_report_viewset = FacilityReportViewSet()


@hooks.register("register_admin_viewset")
def register_facility_report_viewset():
    return facility_report_viewset
