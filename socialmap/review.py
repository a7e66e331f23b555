"""Keeping the social map current: the periodic check of each facility.

- `facilities_due_for_review()`: facilities whose last check is older than their interval (or never done).
- `send_review_requests()`: mails each due facility's contact (review_contact_email, else the
  organisation's e-mail) a link with a signed token (no login). A facility is not mailed again within
  REQUEST_INTERVAL_DAYS (its `review_requested_at` records when it was asked). Run it daily:
  `python manage.py send_review_requests` (see docs/review-requests.md).
- The link opens a public page where the contact either confirms the entry (last_verified = today,
  logged) or sends corrections. Corrections are saved as a DRAFT revision of the facility and staff
  are told; nothing is published without staff.
- `ReviewDuePanel`: the admin dashboard panel "Voorzieningen die gecontroleerd moeten worden".
"""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.components import Component
from wagtail.log_actions import log

from .admin_views import facilities_due_for_review
from .models import Facility

SALT = "socialmap.review"
TOKEN_MAX_AGE_DAYS = getattr(settings, "SOCIALMAP_REVIEW_TOKEN_DAYS", 30)
REQUEST_INTERVAL_DAYS = getattr(settings, "SOCIALMAP_REVIEW_REQUEST_INTERVAL_DAYS", 30)


# -- Tokens --------------------------------------------------------------------------------------------


def make_token(facility):
    return signing.TimestampSigner(salt=SALT).sign_object({"f": str(facility.pk)}, compress=True)


def facility_for_token(token, max_age_days=None):
    """The facility a token was made for; raises signing.SignatureExpired / BadSignature, or Facility.DoesNotExist."""
    max_age = (max_age_days if max_age_days is not None else TOKEN_MAX_AGE_DAYS) * 24 * 3600
    data = signing.TimestampSigner(salt=SALT).unsign_object(token, max_age=max_age)
    return Facility.objects.select_related("organisation").get(pk=data["f"])


def review_url(facility):
    path = reverse("socialmap:review", kwargs={"token": make_token(facility)})
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


# -- Requests ------------------------------------------------------------------------------------------


def contact_email(facility):
    return facility.review_contact_email or facility.organisation.email


@dataclass
class RequestResult:
    sent: list
    skipped_recently_asked: list
    skipped_no_email: list


def send_review_requests(today=None, now=None):
    """Mail every due, live facility's contact once per REQUEST_INTERVAL_DAYS. Returns a RequestResult."""
    now = now or timezone.now()
    due = facilities_due_for_review(today).filter(live=True).select_related("organisation").order_by("name")
    result = RequestResult([], [], [])
    for facility in due:
        if facility.review_requested_at and facility.review_requested_at > now - timezone.timedelta(days=REQUEST_INTERVAL_DAYS):
            result.skipped_recently_asked.append(facility)
            continue
        address = contact_email(facility)
        if not address:
            result.skipped_no_email.append(facility)
            continue
        subject = _("Is the information about %(name)s still correct?") % {"name": facility.name}
        body = _(
            "Hello,\n\n"
            "On %(site)s residents find %(name)s (%(organisation)s). We want the information to be correct.\n"
            "Will you check it? It takes a few minutes and you do not need an account:\n\n"
            "%(url)s\n\n"
            "If everything is correct, click 'Everything is correct'. If something has changed, fill in the changes;\n"
            "we check them before they appear on the site. The link works for %(days)s days.\n\n"
            "Thank you,\nThe editors of %(site)s"
        ) % {
            "site": settings.WAGTAIL_SITE_NAME,
            "name": facility.name,
            "organisation": facility.organisation.name,
            "url": review_url(facility),
            "days": TOKEN_MAX_AGE_DAYS,
        }
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
        Facility.objects.filter(pk=facility.pk).update(review_requested_at=now)
        log(instance=facility, action="socialmap.review_requested", data={"email": address})
        result.sent.append(facility)
    return result


# -- Answers -------------------------------------------------------------------------------------------


@transaction.atomic
def confirm_facility(facility, today=None):
    """The contact says all is correct: last_verified = today on the live facility (and any draft)."""
    today = today or timezone.localdate()
    Facility.objects.filter(pk=facility.pk).update(last_verified=today)
    facility.last_verified = today
    log(instance=facility, action="socialmap.review_confirmed", data={"date": today.isoformat()})
    return facility


CORRECTABLE_FIELDS = ["name", "description", "url", "email", "eligibility_description", "fees_description", "application_process"]


@transaction.atomic
def submit_correction(facility, changes, note="", sender=""):
    """Save the contact's changes as a draft revision (never published) and tell staff. Returns the revision."""
    draft = facility.get_latest_revision_as_object()
    for name, value in changes.items():
        if name in CORRECTABLE_FIELDS:
            setattr(draft, name, value)
    revision = draft.save_revision(user=None, log_action=False, clean=False)
    Facility.objects.filter(pk=facility.pk).update(has_unpublished_changes=True, latest_revision=revision)
    log(
        instance=facility,
        action="socialmap.review_corrected",
        revision=revision,
        data={"note": note[:2000], "sender": sender[:200]},
    )
    notify_staff(facility, note, sender)
    return revision


def notify_staff(facility, note, sender):
    recipients = [getattr(settings, "SOCIALMAP_STAFF_EMAIL", None) or settings.STAFF_EMAIL]
    edit_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(
        "wagtailsnippets_socialmap_facility:edit", args=[str(facility.pk)]
    )
    subject = _("Correction for %(name)s waiting for review") % {"name": facility.name}
    body = _(
        "The contact for %(name)s sent a correction. It is saved as a draft and is not published.\n\n"
        "From: %(sender)s\nNote: %(note)s\n\nReview and publish it in the admin: %(url)s\n"
    ) % {"name": facility.name, "sender": sender or "-", "note": note or "-", "url": edit_url}
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)


# -- Dashboard panel -----------------------------------------------------------------------------------


class ReviewDuePanel(Component):
    name = "socialmap_review_due"
    template_name = "socialmap/admin/review_due_panel.html"
    order = 150
    limit = 10

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        from .permissions import facilities_for_user

        user = self.request.user
        if not (user.is_superuser or user.has_perm("socialmap.change_facility")):
            return {"shown": False}
        due = facilities_for_user(user, facilities_due_for_review()).select_related("organisation").order_by("last_verified", "name")
        return {
            "shown": True,
            "title": gettext_lazy("Facilities that need to be checked"),
            "facilities": list(due[: self.limit]),
            "total": due.count(),
            "list_url": reverse("wagtailsnippets_socialmap_facility:list") + "?review_due=true",
        }

    def render_html(self, parent_context=None):
        context = self.get_context_data(parent_context)
        if not context.get("shown"):
            return ""
        from django.template.loader import render_to_string

        return render_to_string(self.template_name, context, request=self.request)
