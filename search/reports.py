"""Editors' report "Zoekopdrachten": the most searched queries and the queries that found nothing, per week."""

from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.shortcuts import render
from django.utils.translation import gettext as _

from .models import SearchQuery
from .querylog import week_of

TOP = 50


def can_view(user):
    return user.is_active and user.has_perm("search.view_searchquery")


def search_queries_report(request):
    if not can_view(request.user):
        raise PermissionDenied
    weeks = list(SearchQuery.objects.order_by("-week").values_list("week", flat=True).distinct()[:26])
    selected = request.GET.get("week") or ""
    week = next((w for w in weeks if w.isoformat() == selected), weeks[0] if weeks else week_of())
    source = request.GET.get("source") or ""
    qs = SearchQuery.objects.filter(week=week)
    if source in dict(SearchQuery.SOURCES):
        qs = qs.filter(source=source)
    rows = qs.values("query").annotate(searches=Sum("count"), zero=Sum("zero_result_count"))
    top = list(rows.order_by("-searches", "query")[:TOP])
    zero = list(rows.filter(zero__gt=0).order_by("-zero", "query")[:TOP])
    return render(
        request,
        "search/admin/search_queries.html",
        {
            "title": _("Search queries"),
            "weeks": weeks,
            "week": week,
            "source": source,
            "sources": SearchQuery.SOURCES,
            "top": top,
            "zero": zero,
        },
    )
