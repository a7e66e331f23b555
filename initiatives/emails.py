"""Mails to applicants: verification, receipt, request for information, decision letter (with PDF)."""

from io import BytesIO

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _


def _send(to, subject, template, context, attachments=()):
    if not to:
        return
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(template, context)
        message = EmailMessage(str(subject), body, settings.DEFAULT_FROM_EMAIL, [to])
        for attachment in attachments:
            message.attach(*attachment)
        message.send()


def applicant_email(application):
    return application.applicant.email if application.applicant_id else ""


def send_verification(user, link):
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Confirm your email address")
    _send(user.email, subject, "initiatives/emails/verify.txt", {"user": user, "link": link})


def send_receipt(application):
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("We have received your application %(reference)s") % {"reference": application.reference}
    _send(applicant_email(application), subject, "initiatives/emails/receipt.txt",
          {"application": application, "base_url": settings.WAGTAILADMIN_BASE_URL})


def send_information_request(application, question):
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Question about your application %(reference)s") % {"reference": application.reference}
    _send(applicant_email(application), subject, "initiatives/emails/information_request.txt",
          {"application": application, "question": question, "base_url": settings.WAGTAILADMIN_BASE_URL})


def decision_letter_pdf(application):
    from xhtml2pdf import pisa

    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string("initiatives/letters/decision.html", {"application": application})
    out = BytesIO()
    result = pisa.CreatePDF(html, dest=out, encoding="utf-8")
    if result.err:
        raise RuntimeError("could not render the decision letter")
    return out.getvalue()


def send_decision(application):
    pdf = decision_letter_pdf(application)
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Decision on your application %(reference)s") % {"reference": application.reference}
    _send(applicant_email(application), subject, "initiatives/emails/decision.txt",
          {"application": application, "base_url": settings.WAGTAILADMIN_BASE_URL},
          attachments=[(f"besluit-{application.reference}.pdf", pdf, "application/pdf")])


def send_report_request(application):
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Please tell us how your initiative went (%(reference)s)") % {"reference": application.reference}
    _send(applicant_email(application), subject, "initiatives/emails/report_request.txt",
          {"application": application, "base_url": settings.WAGTAILADMIN_BASE_URL})
