"""'Meld een fout': residents report what is wrong with a facility. Reports are moderated suggestions:
they reach staff (an email and the 'Reports' screen in the admin) and change nothing on the facility.

Personal data: only an optional email address for a reply, shown to staff with permission on reports.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel


class FacilityReport(models.Model):
    NEW = "new"
    HANDLED = "handled"
    STATUSES = [(NEW, _("new")), (HANDLED, _("handled"))]

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    facility = models.ForeignKey(
        "socialmap.Facility", verbose_name=_("facility"), on_delete=models.CASCADE, related_name="reports"
    )
    message = models.TextField(_("what is wrong"), max_length=2000)
    email = models.EmailField(_("email for a reply"), blank=True)
    created_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=STATUSES, default=NEW, db_index=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("handled by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(_("handled on"), null=True, blank=True)
    staff_notes = models.TextField(_("notes (staff only)"), blank=True)

    panels = [
        MultiFieldPanel(
            [FieldPanel("facility", read_only=True), FieldPanel("message", read_only=True), FieldPanel("email", read_only=True),
             FieldPanel("created_at", read_only=True)],
            heading=_("Report"),
        ),
        MultiFieldPanel(
            [FieldPanel("status"), FieldRowPanel([FieldPanel("handled_by", read_only=True), FieldPanel("handled_at", read_only=True)]),
             FieldPanel("staff_notes")],
            heading=_("Handling"),
        ),
    ]

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.facility}: {self.message[:60]}"

    def mark_status(self, status, user):
        """Record who handled the report and when (or clear it when it is reopened)."""
        if status == self.HANDLED and (self.status != self.HANDLED or not self.handled_by_id):
            self.handled_by, self.handled_at = user, timezone.now()
        elif status == self.NEW:
            self.handled_by, self.handled_at = None, None
        self.status = status
