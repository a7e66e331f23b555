"""AVG: what we keep about an applicant (download), and removing personal data after the retention period."""

import calendar

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import Application, Status

PERSONAL_FIELDS = ["contact_name", "organisation_name", "phone", "iban", "account_holder"]
FINISHED_STATES = [Status.CLOSED, Status.REJECTED, Status.WITHDRAWN]


def applicant_data(user):
    applications = []
    for app in Application.objects.filter(applicant=user).prefetch_related("budget_items", "attachments", "events",
                                                                          "information_requests", "payments"):
        applications.append({
            "reference": app.reference, "scheme": app.scheme.title, "status": app.get_status_display(),
            "created": app.created_at, "submitted": app.submitted_at,
            **{f: getattr(app, f) for f in PERSONAL_FIELDS},
            "applicant_type": app.applicant_type, "title": app.title, "what": app.what, "who": app.who,
            "where_when": app.where_when, "goal": app.goal, "amount_requested": app.amount_requested,
            "extra_answers": app.extra_answers, "area": str(app.gebied or ""), "district": str(app.wijk or ""),
            "publish_consent": app.publish_consent, "public_summary": app.public_summary,
            "budget": [{"description": i.description, "amount": i.amount} for i in app.budget_items.all()],
            "attachments": [{"name": a.original_name, "type": a.content_type, "size": a.size} for a in app.attachments.all()],
            "questions": [{"question": r.question, "answer": r.answer} for r in app.information_requests.all()],
            "granted_amount": app.granted_amount, "decision_reasons": app.decision_reasons,
            "payments": [{"kind": p.kind, "amount": p.amount, "paid_on": p.paid_on} for p in app.payments.all()],
            "report_results": app.report_results, "report_spending": app.report_spending,
            "history": [{"when": e.created_at, "action": e.action, "from": e.from_status, "to": e.to_status}
                        for e in app.events.all()],
        })
    return {"account": {"email": user.email, "joined": user.date_joined, "last_login": user.last_login},
            "applications": applications}


def add_months(moment, months):
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def end_date(app):
    """When the application ended: the retention period counts from here."""
    if app.status == Status.DRAFT:
        return app.updated_at
    return app.closed_at or app.decided_at or app.updated_at


def due_for_purge(now=None):
    now = now or timezone.now()
    candidates = Application.objects.filter(anonymised_at=None).filter(
        Q(status__in=FINISHED_STATES) | Q(status=Status.DRAFT)
    ).select_related("scheme")
    return [a for a in candidates if add_months(end_date(a), a.scheme.retention_months) <= now]


def anonymise(app, now=None):
    """Remove what identifies a person; keep amounts, area and (with consent) the public summary for the figures."""
    from . import services

    with transaction.atomic():
        # Files go once the rows are gone for good: a failure halfway leaves no row pointing at a deleted file.
        services.delete_files_on_commit(app.attachments.all())
        if app.status == Status.DRAFT:
            app.delete()
            return "deleted"
        app.attachments.all().delete()
        for field in PERSONAL_FIELDS:
            setattr(app, field, "")
        app.applicant = None
        app.extra_answers = {}
        app.anonymised_at = now or timezone.now()
        app.information_requests.update(answer="")
        app.save()
        # The audit trail stays, without the values it recorded.
        app.events.update(changes={}, note="", actor_name="")
        services.log_event(app, None, "anonymise")
        return "anonymised"


def purge_personal_data(now=None, dry_run=False):
    results = {"deleted": 0, "anonymised": 0}
    for app in due_for_purge(now):
        if dry_run:
            results["deleted" if app.status == Status.DRAFT else "anonymised"] += 1
        else:
            results[anonymise(app, now)] += 1
    return results
