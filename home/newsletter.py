"""The newsletter 'Samen verder in het sociaal domein': double opt-in subscription, a one-click
unsubscribe link in every mail, issues composed by staff from news items and sent in the background
(django-tasks) in batches, never twice to the same subscriber, and an online archive."""

import logging

from django import forms
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, models, transaction
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _
from django_tasks import task
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page

from .community import HoneypotFormMixin, make_token, rate_limited, read_token
from .models import BasePage

logger = logging.getLogger(__name__)

CONFIRM_SALT = "dichtbij.newsletter.confirm"
UNSUBSCRIBE_SALT = "dichtbij.newsletter.unsubscribe"
CONFIRM_MAX_AGE = 14 * 24 * 3600
BATCH_SIZE = 100


class NewsletterSubscriber(models.Model):
    """Only the email address, and when it was confirmed or ended: the least we need."""

    PENDING = "pending"
    ACTIVE = "active"
    UNSUBSCRIBED = "unsubscribed"
    STATUSES = [(PENDING, _("waiting for confirmation")), (ACTIVE, _("subscribed")), (UNSUBSCRIBED, _("unsubscribed"))]

    email = models.EmailField(_("email"), unique=True)
    status = models.CharField(_("status"), max_length=12, choices=STATUSES, default=PENDING)
    created_at = models.DateTimeField(_("signed up on"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed on"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("newsletter subscriber")
        verbose_name_plural = _("newsletter subscribers")
        ordering = ["pk"]

    def __str__(self):
        return self.email

    @property
    def confirm_token(self):
        return make_token(self.email, CONFIRM_SALT)

    @property
    def unsubscribe_token(self):
        return make_token(self.pk, UNSUBSCRIBE_SALT)


class NewsletterIssue(models.Model):
    """One issue of the newsletter, composed from chosen news items; a snippet staff send from the admin."""

    DRAFT, SENDING, SENT = "draft", "sending", "sent"
    STATUSES = [(DRAFT, _("draft")), (SENDING, _("sending")), (SENT, _("sent"))]

    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True)
    news_items = StreamField(
        [("news", blocks.PageChooserBlock(page_type="home.NewsPage", label=_("News item")))],
        verbose_name=_("news items"),
        blank=True,
    )
    status = models.CharField(_("status"), max_length=10, choices=STATUSES, default=DRAFT, editable=False)
    sent_at = models.DateTimeField(_("sent on"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [FieldPanel("title"), FieldPanel("introduction"), FieldPanel("news_items")]

    class Meta:
        verbose_name = _("newsletter issue")
        verbose_name_plural = _("newsletter issues")
        ordering = ["-sent_at", "-created_at"]
        permissions = [("send_newsletterissue", "Can send newsletter issue")]

    def __str__(self):
        return self.title

    def live_news(self):
        """The chosen news items that are live; a withdrawn item silently drops out."""
        return [block.value.specific for block in self.news_items if block.value and block.value.live]

    @property
    def delivered_count(self):
        return self.deliveries.exclude(sent_at=None).count()


class NewsletterDelivery(models.Model):
    """One mail of one issue to one subscriber. The unique pair is what makes sending idempotent."""

    issue = models.ForeignKey(NewsletterIssue, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(NewsletterSubscriber, on_delete=models.CASCADE, related_name="deliveries")
    claimed_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issue", "subscriber"], name="one_delivery_per_subscriber")]


class SubscribeForm(HoneypotFormMixin, forms.Form):
    email = forms.EmailField(
        label=_("Your email address"),
        help_text=_("You will receive an email to confirm. Only after that do we send you the newsletter."),
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("This is not a valid email address. Check it, for example: naam@voorbeeld.nl."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "email"


class NewsletterPage(RoutablePageMixin, BasePage):
    """Subscribe, confirm, unsubscribe and the online archive of sent issues."""

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    parent_page_types = ["home.HomePage", "home.ContentPage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("newsletter page")

    def archive(self):
        return NewsletterIssue.objects.filter(status=NewsletterIssue.SENT).order_by("-sent_at")

    @path("")
    def subscribe_route(self, request):
        form = SubscribeForm(request.POST or None) if request.method == "POST" else SubscribeForm()
        if request.method == "POST":
            if form.is_spam:
                return self.render(request, context_overrides={"form": SubscribeForm(), "subscribed": True})
            if rate_limited(request, "newsletter"):
                form.add_error(None, gettext("You have tried too often in a short time. Please wait ten minutes and try again."))
            elif form.is_valid():
                subscribe(form.cleaned_data["email"], page=self, request=request)
                return self.render(request, context_overrides={"form": SubscribeForm(), "subscribed": True})
        return self.render(request, context_overrides={"form": form, "archive": self.archive()})

    @path("bevestigen/<str:token>/", name="confirm")
    def confirm_route(self, request, token):
        outcome = confirm_subscription(token)
        return self.render(request, template="home/community/newsletter_result.html", context_overrides={"outcome": outcome})

    @path("afmelden/<str:token>/", name="unsubscribe")
    def unsubscribe_route(self, request, token):
        # One click from the mail, as the law on newsletters asks; POST for mail programs (RFC 8058).
        outcome = unsubscribe(token)
        return self.render(request, template="home/community/newsletter_result.html", context_overrides={"outcome": outcome})

    @path("nummer/<int:pk>/", name="issue")
    def issue_route(self, request, pk):
        issue = get_object_or_404(NewsletterIssue, pk=pk, status=NewsletterIssue.SENT)
        return self.render(request, template="home/community/newsletter_issue.html", context_overrides={"issue": issue})

    def url_for(self, name, *args, request=None):
        return self.get_full_url(request) + self.reverse_subpage(name, args=list(args))

    # The RoutablePageMixin serves POST on every route; unsubscribe accepts it (one-click), others ignore it.


def normalise_email(email):
    local, _sep, domain = email.strip().rpartition("@")
    return f"{local}@{domain.lower()}" if local else email.strip()


def subscribe(email, page, request=None):
    """Start a subscription (double opt-in). Returns "pending", "already" or "resent".

    Whatever the state, the visitor sees the same message, so nobody learns whether an address is on the list.
    """
    email = normalise_email(email)
    with transaction.atomic():
        subscriber, created = NewsletterSubscriber.objects.select_for_update().get_or_create(email=email)
        if subscriber.status == NewsletterSubscriber.ACTIVE:
            outcome = "already"
        else:
            outcome = "pending" if created else "resent"
            if subscriber.status == NewsletterSubscriber.UNSUBSCRIBED:
                subscriber.status = NewsletterSubscriber.PENDING
                subscriber.save(update_fields=["status"])
    context = {"page": page, "subscriber": subscriber, "unsubscribe_url": page.url_for("unsubscribe", subscriber.unsubscribe_token, request=request)}
    if outcome == "already":
        subject = gettext("You are already subscribed to the newsletter")
        body = render_to_string("home/community/email/newsletter_already.txt", context)
    else:
        context["confirm_url"] = page.url_for("confirm", subscriber.confirm_token, request=request)
        subject = gettext("Please confirm your subscription to the newsletter")
        body = render_to_string("home/community/email/newsletter_confirm.txt", context)
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [subscriber.email]).send()
    return outcome


def confirm_subscription(token):
    """Returns "confirmed", "already" or "invalid"."""
    try:
        email = read_token(token, CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return "invalid"
    subscriber = NewsletterSubscriber.objects.filter(email=email).first()
    if subscriber is None:
        return "invalid"
    if subscriber.status == NewsletterSubscriber.ACTIVE:
        return "already"
    subscriber.status = NewsletterSubscriber.ACTIVE
    subscriber.confirmed_at = timezone.now()
    subscriber.unsubscribed_at = None
    subscriber.save(update_fields=["status", "confirmed_at", "unsubscribed_at"])
    return "confirmed"


def unsubscribe(token):
    """Returns "unsubscribed", "already_unsubscribed" or "invalid_unsubscribe"."""
    try:
        pk = read_token(token, UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return "invalid_unsubscribe"
    subscriber = NewsletterSubscriber.objects.filter(pk=pk).first()
    if subscriber is None:
        return "invalid_unsubscribe"
    if subscriber.status == NewsletterSubscriber.UNSUBSCRIBED:
        return "already_unsubscribed"
    subscriber.status = NewsletterSubscriber.UNSUBSCRIBED
    subscriber.unsubscribed_at = timezone.now()
    subscriber.save(update_fields=["status", "unsubscribed_at"])
    return "unsubscribed"


# -- sending ---------------------------------------------------------------------------------------------


def newsletter_page():
    return NewsletterPage.objects.live().first()


def issue_message(issue, subscriber, page, news):
    unsubscribe_url = page.url_for("unsubscribe", subscriber.unsubscribe_token)
    context = {"issue": issue, "news": news, "page": page, "unsubscribe_url": unsubscribe_url, "archive_url": page.url_for("issue", issue.pk)}
    body = render_to_string("home/community/email/newsletter_issue.txt", context)
    message = EmailMessage(issue.title, body, settings.DEFAULT_FROM_EMAIL, [subscriber.email])
    message.extra_headers = {"List-Unsubscribe": f"<{unsubscribe_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    return message


def start_sending(issue):
    """Mark the issue as being sent and hand it to the background worker. Sending twice is harmless."""
    NewsletterIssue.objects.filter(pk=issue.pk, status=NewsletterIssue.DRAFT).update(status=NewsletterIssue.SENDING)
    return send_newsletter_issue.enqueue(issue.pk)


def send_issue_batches(issue_id, batch_size=None):
    """Send an issue to every active subscriber who has not had it yet, batch by batch; returns the number sent.

    Each subscriber is claimed first (a unique issue/subscriber row); a claim that already exists means
    another run has it, so nobody gets the same issue twice, even when the task runs again after a crash.
    """
    batch_size = batch_size or getattr(settings, "NEWSLETTER_BATCH_SIZE", BATCH_SIZE)
    issue = NewsletterIssue.objects.get(pk=issue_id)
    page = newsletter_page()
    if page is None:
        logger.warning("newsletter issue %s not sent: there is no live newsletter page", issue_id)
        return 0
    news = issue.live_news()
    sent = 0
    last_pk = 0
    while True:
        batch = list(
            NewsletterSubscriber.objects.filter(status=NewsletterSubscriber.ACTIVE, pk__gt=last_pk)
            .exclude(deliveries__issue_id=issue_id)
            .order_by("pk")[:batch_size]
        )
        if not batch:
            break
        last_pk = batch[-1].pk
        connection = get_connection()
        for subscriber in batch:
            try:
                with transaction.atomic():
                    delivery = NewsletterDelivery.objects.create(issue_id=issue_id, subscriber=subscriber)
            except IntegrityError:
                continue
            message = issue_message(issue, subscriber, page, news)
            message.connection = connection
            try:
                message.send()
            except Exception:  # one bad address must not stop the rest; the claim stays, so no retry spam
                logger.exception("newsletter issue %s: sending to subscriber %s failed", issue_id, subscriber.pk)
                continue
            delivery.sent_at = timezone.now()
            delivery.save(update_fields=["sent_at"])
            sent += 1
    NewsletterIssue.objects.filter(pk=issue_id).update(status=NewsletterIssue.SENT, sent_at=issue.sent_at or timezone.now())
    return sent


@task()
def send_newsletter_issue(issue_id):
    return send_issue_batches(issue_id)
