"""Events: an event index (upcoming, archive, calendar feed) and event pages with registration,
capacity and a waiting list, confirmation mail, a cancel link and an iCalendar file per event."""

import secrets
from datetime import timedelta

import icalendar
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import models, transaction
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import ContentStreamBlock
from .community import HoneypotFormMixin, paginate, rate_limited
from .models import BasePage

ARCHIVE_MONTHS_IN_FEED = 3


def event_queryset(index_page=None, area=None, public=None):
    """Live, public events; `public` is a Q from home.restrictions.public_pages_q() when a caller shares one."""
    qs = EventPage.objects.live().select_related("location", "area")
    qs = qs.filter(public) if public is not None else qs.public()
    if index_page is not None and not getattr(index_page, "show_all_events", False):
        qs = qs.descendant_of(index_page)
    if area is not None:
        qs = qs.filter(area__in=area.descendants_and_self().values_list("pk", flat=True))
    return qs


def upcoming_events(index_page=None, area=None, limit=None, now=None, public=None):
    """Events that have not ended yet, soonest first."""
    now = now or timezone.now()
    qs = event_queryset(index_page, area, public).filter(Q(end__gte=now) | Q(end__isnull=True, start__gte=now)).order_by("start")
    return list(qs[:limit]) if limit else qs


def past_events(index_page=None, area=None, now=None):
    """Events that are over, most recent first (the archive)."""
    now = now or timezone.now()
    return event_queryset(index_page, area).filter(Q(end__lt=now) | Q(end__isnull=True, start__lt=now)).order_by("-start")


class EventIndexPage(RoutablePageMixin, BasePage):
    show_all_events = models.BooleanField(
        _("show all events of the site"),
        default=False,
        help_text=_("On: the list shows events from every section, such as the area pages. Off: only the events below this page."),
    )

    content_panels = Page.content_panels + [FieldPanel("introduction"), FieldPanel("show_all_events")]
    parent_page_types = ["home.HomePage", "home.ContentPage", "home.AreaPage"]
    subpage_types = ["home.EventPage"]

    class Meta:
        verbose_name = _("events overview")

    @path("")
    def upcoming_route(self, request):
        page_obj = paginate(request, upcoming_events(self), 12)
        return self.render(request, context_overrides={"items": page_obj, "page_obj": page_obj, "archive": False})

    @path("archief/", name="archive")
    def archive_route(self, request):
        page_obj = paginate(request, past_events(self), 12)
        return self.render(request, context_overrides={"items": page_obj, "page_obj": page_obj, "archive": True})

    @path("ical/", name="calendar")
    def calendar_route(self, request):
        since = timezone.now() - timedelta(days=31 * ARCHIVE_MONTHS_IN_FEED)
        events = event_queryset(self).filter(start__gte=since).order_by("start")
        return ical_response(build_calendar(events, request, name=self.title), "agenda.ics")


class EventPage(RoutablePageMixin, BasePage):
    ATELIER = "3d-atelier"
    OVERLEG = "kwartaal-overleg"
    PARTNER = "partner"
    OTHER = "other"
    KINDS = [
        (ATELIER, _("3D-atelier (monthly work meeting)")),
        (OVERLEG, _("Quarterly meeting (kwartaal-overleg)")),
        (PARTNER, _("Partner event")),
        (OTHER, _("Other")),
    ]

    kind = models.CharField(_("kind of event"), max_length=20, choices=KINDS, default=OTHER)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"), null=True, blank=True)
    location = models.ForeignKey(
        "socialmap.Location",
        verbose_name=_("location from the social map"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    address = models.TextField(_("or an address"), blank=True, help_text=_("When the place is not in the social map."))
    online_url = models.URLField(_("online link"), blank=True, help_text=_("For an online meeting, for example a video call."))
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Leave empty for no limit. When it is full, new sign-ups go to the waiting list.")
    )
    registration_open = models.BooleanField(_("registration open"), default=True)
    body = StreamField(ContentStreamBlock(), verbose_name=_("content"), blank=True)
    area = models.ForeignKey(
        "socialmap.Area", verbose_name=_("area"), null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    organisation = models.ForeignKey(
        "socialmap.Organisation", verbose_name=_("organiser"), null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )

    content_panels = Page.content_panels + [
        FieldPanel("kind"),
        FieldPanel("introduction"),
        FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
        MultiFieldPanel([FieldPanel("location"), FieldPanel("address"), FieldPanel("online_url")], heading=_("Place")),
        MultiFieldPanel([FieldRowPanel([FieldPanel("registration_open"), FieldPanel("capacity")])], heading=_("Registration")),
        FieldPanel("body"),
        MultiFieldPanel([FieldPanel("area"), FieldPanel("organisation")], heading=_("Where and who")),
    ]
    search_fields = BasePage.search_fields + [index.SearchField("body"), index.FilterField("start")]
    parent_page_types = ["home.EventIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def save(self, *args, **kwargs):
        from .news import area_of_section

        if self.area_id is None:
            self.area = area_of_section(self)
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The end must be after the start.")})

    # -- state ---------------------------------------------------------------------------------------

    @property
    def is_past(self):
        return (self.end or self.start) < timezone.now()

    @property
    def accepts_registrations(self):
        return self.registration_open and not self.is_past

    @property
    def confirmed_count(self):
        return self.registrations.filter(status=EventRegistration.CONFIRMED).count()

    @property
    def places_left(self):
        if self.capacity is None:
            return None
        return max(0, self.capacity - self.confirmed_count)

    @property
    def place_text(self):
        if self.location_id:
            loc = self.location
            parts = [loc.name, loc.address_1, " ".join(p for p in (loc.postal_code, loc.city) if p)]
            return ", ".join(p for p in parts if p)
        return ", ".join(line.strip() for line in self.address.splitlines() if line.strip())

    # -- routes --------------------------------------------------------------------------------------

    @path("")
    def event_route(self, request):
        form = EventRegistrationForm(request.POST or None) if request.method == "POST" else EventRegistrationForm()
        if request.method == "POST":
            if form.is_spam:
                # Bots get the same friendly answer as people; nothing is stored.
                messages.success(request, gettext("Thank you. Check your email for the confirmation."))
                return redirect(self.get_url(request))
            if rate_limited(request, "event-registration"):
                form.add_error(None, gettext("You have tried to sign up too often in a short time. Please wait ten minutes and try again."))
            elif not self.accepts_registrations:
                form.add_error(None, gettext("Registration for this event is closed."))
            elif form.is_valid():
                registration, outcome = register_for_event(
                    self, form.cleaned_data["name"], form.cleaned_data["email"], request=request
                )
                messages.success(request, registration_message(outcome))
                return redirect(self.get_url(request) + "#aanmelden")
        # Counted once: the page shows it twice.
        return self.render(request, context_overrides={"form": form, "places_left": self.places_left})

    @path("ical/", name="ical")
    def ical_route(self, request):
        return ical_response(build_calendar([self], request, name=self.title), f"{self.slug}.ics")

    @path("afmelden/<str:token>/", name="cancel")
    def cancel_route(self, request, token):
        registration = EventRegistration.objects.filter(event=self, token=token).first()
        if registration is None:
            raise Http404
        if request.method == "POST" and registration.status != EventRegistration.CANCELLED:
            cancel_registration(registration, request=request)
            registration.refresh_from_db()
            return self.render(
                request, template="home/community/event_cancel.html", context_overrides={"registration": registration, "done": True}
            )
        return self.render(
            request,
            template="home/community/event_cancel.html",
            context_overrides={"registration": registration, "done": registration.status == EventRegistration.CANCELLED},
        )


class EventRegistration(models.Model):
    """A sign-up for an event. Only a name and an email address: the least we need to confirm and to reach people."""

    CONFIRMED = "confirmed"
    WAITING = "waiting"
    CANCELLED = "cancelled"
    STATUSES = [(CONFIRMED, _("confirmed")), (WAITING, _("waiting list")), (CANCELLED, _("cancelled"))]

    event = models.ForeignKey(EventPage, verbose_name=_("event"), on_delete=models.CASCADE, related_name="registrations")
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("email"))
    status = models.CharField(_("status"), max_length=10, choices=STATUSES, default=CONFIRMED)
    token = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("signed up on"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled on"), null=True, blank=True)

    class Meta:
        verbose_name = _("event registration")
        verbose_name_plural = _("event registrations")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email"], condition=~Q(status="cancelled"), name="one_active_registration_per_email"
            )
        ]

    def __str__(self):
        return f"{self.name} – {self.event}"

    def save(self, *args, **kwargs):
        if not self.token:
            self.token = secrets.token_urlsafe(32)
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)

    def cancel_url(self, request=None):
        return self.event.get_full_url(request) + self.event.reverse_subpage("cancel", args=[self.token])


class EventRegistrationForm(HoneypotFormMixin, forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(
        label=_("Your email address"),
        help_text=_("We send the confirmation to this address."),
        error_messages={"invalid": _("Enter a valid email address, for example naam@voorbeeld.nl.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"


# -- services ------------------------------------------------------------------------------------------


def registration_message(outcome):
    return {
        EventRegistration.CONFIRMED: gettext("You are signed up. We have sent a confirmation to your email address."),
        EventRegistration.WAITING: gettext(
            "The event is full. You are on the waiting list: we email you when a place becomes free."
        ),
        "already": gettext("You were already signed up for this event with this email address. We have sent the details again."),
        "closed": gettext("Registration for this event is closed."),
    }[outcome]


def register_for_event(event, name, email, request=None):
    """Sign someone up. The event row is locked, so concurrent sign-ups never exceed the capacity.

    Returns (registration, outcome) with outcome "confirmed", "waiting", "already" or "closed".
    The mail goes out after the transaction, so a slow mail server never holds the lock.
    """
    email = email.strip().lower()
    with transaction.atomic():
        locked = EventPage.objects.select_for_update().get(pk=event.pk)
        if not locked.accepts_registrations:
            return None, "closed"
        registration = locked.registrations.exclude(status=EventRegistration.CANCELLED).filter(email=email).first()
        if registration:
            outcome = "already"
        else:
            confirmed = locked.registrations.filter(status=EventRegistration.CONFIRMED).count()
            full = locked.capacity is not None and confirmed >= locked.capacity
            registration = EventRegistration.objects.create(
                event=locked, name=name.strip(), email=email, status=EventRegistration.WAITING if full else EventRegistration.CONFIRMED
            )
            outcome = registration.status
    send_registration_mail(registration, request)
    return registration, outcome


def cancel_registration(registration, request=None):
    """Cancel a sign-up; a freed place goes to the first person on the waiting list, who gets an email."""
    promoted = None
    with transaction.atomic():
        EventPage.objects.select_for_update().get(pk=registration.event_id)
        registration = EventRegistration.objects.get(pk=registration.pk)
        if registration.status == EventRegistration.CANCELLED:
            return registration, None
        was_confirmed = registration.status == EventRegistration.CONFIRMED
        registration.status = EventRegistration.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["status", "cancelled_at"])
        event = registration.event
        if was_confirmed and not event.is_past:
            confirmed = event.registrations.filter(status=EventRegistration.CONFIRMED).count()
            if event.capacity is None or confirmed < event.capacity:
                promoted = event.registrations.filter(status=EventRegistration.WAITING).order_by("created_at", "pk").first()
                if promoted:
                    promoted.status = EventRegistration.CONFIRMED
                    promoted.save(update_fields=["status"])
    if promoted:
        send_registration_mail(promoted, request, promoted_from_waiting_list=True)
    return registration, promoted


def send_registration_mail(registration, request=None, promoted_from_waiting_list=False):
    event = registration.event
    context = {
        "registration": registration,
        "event": event,
        "event_url": event.get_full_url(request),
        "ical_url": event.get_full_url(request) + event.reverse_subpage("ical"),
        "cancel_url": registration.cancel_url(request),
        "promoted": promoted_from_waiting_list,
        "waiting": registration.status == EventRegistration.WAITING,
    }
    if promoted_from_waiting_list:
        subject = gettext("A place has become free: you are signed up for %(title)s") % {"title": event.title}
    elif registration.status == EventRegistration.WAITING:
        subject = gettext("You are on the waiting list for %(title)s") % {"title": event.title}
    else:
        subject = gettext("Your registration for %(title)s") % {"title": event.title}
    body = render_to_string("home/community/email/event_registration.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [registration.email])


# -- iCalendar -----------------------------------------------------------------------------------------


def build_calendar(events, request=None, name="Dichtbij"):
    """An RFC 5545 calendar with one VEVENT per event."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Dichtbij//Evenementen//NL")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    host = request.get_host().split(":")[0] if request else "dichtbij"
    stamp = timezone.now()
    for event in events:
        vevent = icalendar.Event()
        vevent.add("uid", f"event-{event.pk}@{host}")
        vevent.add("dtstamp", stamp)
        vevent.add("dtstart", event.start)
        vevent.add("dtend", event.end or event.start + timedelta(hours=1))
        vevent.add("summary", event.title)
        if event.introduction:
            vevent.add("description", event.introduction)
        place = event.place_text or event.online_url
        if place:
            vevent.add("location", place)
        url = event.get_full_url(request)
        if url:
            vevent.add("url", url)
        if event.last_published_at:
            vevent.add("last-modified", event.last_published_at)
        cal.add_component(vevent)
    return cal


def ical_response(calendar, filename):
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def purge_old_registrations(months=3, now=None):
    """Delete sign-ups of events that ended more than `months` ago (the retention the sign-up form states)."""
    cutoff = (now or timezone.now()) - timedelta(days=31 * months)
    old_events = EventPage.objects.filter(Q(end__lt=cutoff) | Q(end__isnull=True, start__lt=cutoff))
    deleted, _ = EventRegistration.objects.filter(event__in=old_events).delete()
    return deleted
