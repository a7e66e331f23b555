from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Synonym
from .reports import can_view, search_queries_report


class SynonymViewSet(SnippetViewSet):
    model = Synonym
    icon = "search"
    menu_label = _("Synonyms")
    add_to_admin_menu = False
    list_display = ["term", "equivalents", "updated_at"]
    search_fields = ["term", "equivalents"]


register_snippet(SynonymViewSet)


@hooks.register("register_admin_urls")
def register_report_url():
    return [path("reports/zoekopdrachten/", search_queries_report, name="search_queries_report")]


class SearchQueriesMenuItem(MenuItem):
    def is_shown(self, request):
        return can_view(request.user)


@hooks.register("register_reports_menu_item")
def register_report_menu_item():
    return SearchQueriesMenuItem(_("Search queries"), reverse("search_queries_report"), icon_name="search", order=700)
