from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem, SubmenuMenuItem
from wagtail.admin.menu import Menu

from . import admin_urls


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("initiatieven/", include(admin_urls, namespace="initiatives_admin"))]


class PermissionMenuItem(MenuItem):
    def __init__(self, *args, permission, **kwargs):
        self.permission = permission
        super().__init__(*args, **kwargs)

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


initiatives_menu = Menu(register_hook_name="register_initiatives_menu_item", construct_hook_name=None)


@hooks.register("register_initiatives_menu_item")
def queue_item():
    return PermissionMenuItem(_("Applications"), reverse("initiatives_admin:queue"), icon_name="tasks", order=100,
                              permission="initiatives.view_application")


@hooks.register("register_initiatives_menu_item")
def dashboard_item():
    return PermissionMenuItem(_("Budget dashboard"), reverse("initiatives_admin:dashboard"), icon_name="table", order=200,
                              permission="initiatives.view_application")


@hooks.register("register_initiatives_menu_item")
def statistics_item():
    return PermissionMenuItem(_("Statistics"), reverse("initiatives_admin:statistics"), icon_name="list-ul", order=300,
                              permission="initiatives.view_application")


class InitiativesSubmenu(SubmenuMenuItem):
    def is_shown(self, request):
        return request.user.has_perm("initiatives.view_application")


@hooks.register("register_admin_menu_item")
def register_initiatives_menu():
    return InitiativesSubmenu(_("Initiatives"), initiatives_menu, icon_name="pick", order=350)
