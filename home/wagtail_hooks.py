"""Admin for the community: newsletter issues (with a Send action), subscribers, event registrations,
and a dashboard panel 'My contributions' for partners."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.components import Component
from wagtail.admin.widgets.button import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .events import EventPage, EventRegistration
from .news import NewsPage
from .newsletter import NewsletterIssue, NewsletterSubscriber, start_sending


class NewsletterIssueViewSet(SnippetViewSet):
    model = NewsletterIssue
    icon = "mail"
    menu_label = _("Newsletter issues")
    list_display = ["title", "status", "sent_at", "delivered_count"]
    list_filter = ["status"]


class NewsletterSubscriberViewSet(SnippetViewSet):
    model = NewsletterSubscriber
    icon = "user"
    menu_label = _("Subscribers")
    list_display = ["email", "status", "created_at", "confirmed_at"]
    list_filter = ["status"]
    search_fields = ["email"]
    # Only Beheerder views (and on request deletes) subscribers, see migration 0005; editors send issues and
    # see only the number of subscribers. Subscribing is the resident's own double opt-in.


class EventRegistrationViewSet(SnippetViewSet):
    model = EventRegistration
    icon = "group"
    menu_label = _("Event registrations")
    list_display = ["name", "email", "event", "status", "created_at"]
    list_filter = ["status", "event"]
    search_fields = ["name", "email"]
    panels = [FieldPanel("status")]


class CommunityGroup(SnippetViewSetGroup):
    items = (NewsletterIssueViewSet, NewsletterSubscriberViewSet, EventRegistrationViewSet)
    menu_icon = "mail"
    menu_label = _("Community")
    menu_name = "community"


register_snippet(CommunityGroup)


def send_issue_view(request, pk):
    issue = get_object_or_404(NewsletterIssue, pk=pk)
    if not request.user.has_perm("home.send_newsletterissue"):
        raise PermissionDenied
    listing = reverse(NewsletterIssueViewSet().get_url_name("list"))
    if request.method == "POST":
        if issue.status == NewsletterIssue.DRAFT:
            start_sending(issue)
            messages.success(request, gettext("The newsletter '%(title)s' is being sent.") % {"title": issue.title})
        else:
            messages.warning(request, gettext("This newsletter has already been sent."))
        return redirect(listing)
    return TemplateResponse(
        request,
        "home/admin/send_issue.html",
        {"issue": issue, "subscribers": NewsletterSubscriber.objects.filter(status=NewsletterSubscriber.ACTIVE).count(), "cancel_url": listing},
    )


@hooks.register("register_admin_urls")
def register_send_url():
    return [path("nieuwsbrief/<int:pk>/versturen/", send_issue_view, name="home_send_newsletter_issue")]


@hooks.register("register_snippet_listing_buttons")
def newsletter_send_button(snippet, user, next_url=None):
    if isinstance(snippet, NewsletterIssue) and snippet.status == NewsletterIssue.DRAFT and user.has_perm("home.send_newsletterissue"):
        yield Button(_("Send"), reverse("home_send_newsletter_issue", args=[snippet.pk]), icon_name="mail", priority=15)


class MyContributionsPanel(Component):
    """Partners see their own news and events with their status: draft, waiting for moderation, live."""

    name = "my_contributions"
    template_name = "home/admin/my_contributions.html"
    order = 90

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        items = []
        for model in (NewsPage, EventPage):
            items.extend(model.objects.filter(owner=self.user).order_by("-latest_revision_created_at")[:10])
        items.sort(key=lambda p: p.latest_revision_created_at or p.first_published_at or 0, reverse=True)
        return {"items": items[:10]}

    def render_html(self, parent_context=None):
        if not self.get_context_data(parent_context)["items"]:
            return ""
        return super().render_html(parent_context)


@hooks.register("construct_homepage_panels")
def add_my_contributions(request, panels):
    if request.user.groups.filter(name__startswith="Partner").exists():
        panels.append(MyContributionsPanel(request.user))
