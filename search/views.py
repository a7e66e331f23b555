"""Site search page and the autocomplete endpoint. Thin: the work is in search.sitesearch and search.suggest."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from operations.pagecache import run_on_every_request

from .querylog import log_query
from .sitesearch import RESULT_TYPES, clean_query, fill_results, search_site, search_words
from .suggest import suggestions

PER_PAGE = 10


@require_GET
def search(request):
    raw = request.GET.get("q") or ""
    query = clean_query(raw)
    kind = request.GET.get("type") or ""
    valid_kinds = {k for k, _ in RESULT_TYPES}
    if kind not in valid_kinds:
        kind = ""
    context = {"query": query, "type": kind, "too_long": len(raw) > len(query) and len(raw) > 200}
    if query and not search_words(query):
        context["no_words"] = True
    elif query:
        results, counts, suggestion, notice = search_site(query, kind or None)
        paginator = Paginator(results, PER_PAGE)
        try:
            page_obj = paginator.page(request.GET.get("page") or 1)
        except (PageNotAnInteger, EmptyPage):
            page_obj = paginator.page(1)
        fill_results(page_obj.object_list, query, request)
        if not request.GET.get("page") or request.GET.get("page") == "1":
            # Counted again on every full-page cache hit of this URL, so the query log stays complete.
            run_on_every_request(request, log_query, query, sum(counts.values()), source="site")
        context.update(
            page_obj=page_obj,
            counts=counts,
            total=paginator.count,
            suggestion=suggestion if suggestion and suggestion != query.lower() else "",
            notice=notice,
            type_filters=[(k, label, counts.get(k, 0)) for k, label in RESULT_TYPES if counts.get(k)],
        )
    return render(request, "search/search.html", context)


@require_GET
@cache_control(max_age=60, public=True)
def suggest(request):
    q = clean_query(request.GET.get("q") or "")[:100]
    return JsonResponse({"query": q, "suggestions": suggestions(q) if q else []})
