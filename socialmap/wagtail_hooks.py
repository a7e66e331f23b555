"""Wagtail admin wiring of the social map: the "Sociale kaart" menu with its snippets, the import
screen, the address lookup for the location picker, the dashboard panel of facilities due for a check,
and the log actions of the periodic check."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from . import admin_views, review
from .models import Facility
from .permissions import FacilityPermissionPolicy

register_permission_policy(Facility, FacilityPermissionPolicy(Facility))
register_snippet(admin_views.SocialMapGroup)


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.user_may_import(request.user)


@hooks.register("register_socialmap_menu_item")
def register_import_menu_item():
    return ImportMenuItem(_("Import"), reverse("socialmap_import"), icon_name="upload", order=900)


@hooks.register("register_admin_urls")
def register_admin_urls():
    from . import location_widget

    return [
        path("socialmap/import/", admin_views.import_view, name="socialmap_import"),
        path("socialmap/address-lookup/", location_widget.address_lookup_view, name="socialmap_address_lookup"),
    ]


@hooks.register("construct_homepage_panels")
def add_review_panel(request, panels):
    panels.append(review.ReviewDuePanel(request))


@hooks.register("register_log_actions")
def register_log_actions(actions):
    actions.register_action("socialmap.review_confirmed", _("Confirmed by the contact"), _("Confirmed by the contact"))
    actions.register_action("socialmap.review_corrected", _("Correction sent by the contact"), _("Correction sent by the contact"))
    actions.register_action("socialmap.review_requested", _("Check requested"), _("Check requested"))
