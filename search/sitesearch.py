"""Site-wide search: pages (Wagtail search, promoted results first), facilities (the facility search
service), and news, events and funded initiatives when those models exist (looked up lazily with
django.apps, so this works before and after those apps are merged)."""

import logging
import re
from dataclasses import dataclass

from django.apps import apps
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from .analysis import fold, stem, words
from .facilities import FacilityQuery, search_facilities

MAX_QUERY_LENGTH = 200
RESULT_TYPES = [
    ("facility", _("Facilities")),
    ("page", _("Pages")),
    ("news", _("News")),
    ("event", _("Events")),
    ("initiative", _("Funded initiatives")),
]
# Page models that get their own result type, when installed: (app_label, model name, type).
TYPED_PAGE_MODELS = [("home", "NewsPage", "news"), ("home", "EventPage", "event"), ("initiatives", "InitiativePage", "initiative")]
# Non-page models with a public queryset and Wagtail search fields: (app_label, model name, type).
TYPED_MODELS = [("initiatives", "FundedInitiative", "initiative")]
MAX_FACILITIES = 100
logger = logging.getLogger(__name__)


@dataclass
class SiteResult:
    """One result. Snippets and page URLs cost work (highlighting, site lookups), so results are made
    cheap and `fill_results` completes only the page of results that is shown."""

    kind: str
    title: str
    url: str
    snippet: str = ""
    promoted: bool = False
    text: str = ""  # what the snippet is made from, highlighted when the result is shown
    page: object = None  # a Page result whose URL and text are looked up when shown


def clean_query(raw):
    """What we search for: no control characters, at most 200 characters, spaces collapsed."""
    text = "".join(ch for ch in (raw or "") if ch.isprintable())
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


def search_words(query):
    """The words of the query (letters and digits of any script); full-text syntax is dropped."""
    return words(query)


def highlight(text, query, length=240):
    """Escape `text`, shorten it around the first match, and wrap matching words in <mark>."""
    text = text or ""
    stems = {stem(w) for w in words(query) if len(w) > 2}
    if not stems:
        return escape(Truncator(text).chars(length))
    pattern = re.compile(r"[^\W_]+", re.UNICODE)
    matches = [m for m in pattern.finditer(text) if _matches(m.group(0), stems)]
    start = 0
    if matches and matches[0].start() > length // 2:
        start = text.rfind(" ", 0, matches[0].start() - length // 3) + 1
    excerpt = text[start : start + length]
    out, pos = [], 0
    for m in pattern.finditer(excerpt):
        if _matches(m.group(0), stems):
            out.append(escape(excerpt[pos : m.start()]))
            out.append(mark_safe("<mark>") + escape(m.group(0)) + mark_safe("</mark>"))
            pos = m.end()
    out.append(escape(excerpt[pos:]))
    prefix = "… " if start else ""
    suffix = " …" if start + length < len(text) else ""
    return mark_safe(prefix + "".join(str(p) for p in out) + suffix)


def _matches(word, stems):
    s = stem(fold(word))
    return any(s == q or (len(q) >= 4 and s.startswith(q)) for q in stems)


def _page_kind(page):
    for app_label, model_name, kind in TYPED_PAGE_MODELS:
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            continue
        if isinstance(page, model):
            return kind
    return "page"


def promoted_pages(query):
    try:
        from wagtail.contrib.search_promotions.models import Query
    except ImportError:  # pragma: no cover
        return []
    try:
        picks = Query.get(query).editors_picks.select_related("page")
        return [p.page.specific for p in picks if p.page.live]
    except Exception:  # noqa: BLE001 - an odd query string must never break the page
        return []


FALLBACK_NOTICE = _("The search engine is not available right now; these results come from a simpler search.")


def engine_call(run, problems):
    """run() against the configured search backend; None when it failed or is being skipped after a recent
    failure of the search engine (search.breaker), with the failure noted in problems."""
    from . import breaker

    if breaker.engine_configured() and breaker.is_open():
        if problems is not None:
            problems.append(breaker.SearchEngineUnavailable())
        return None
    try:
        return run()
    except Exception as exc:  # noqa: BLE001 - fall back to the database rather than a 500
        logger.warning("search backend failed, falling back to the database: %s", exc)
        if problems is not None:
            problems.append(exc)
        if breaker.engine_configured() and breaker.is_unreachable(exc):
            breaker.trip(exc)
        return None


def search_pages(query, problems=None):
    """Live public pages for the query, as base Page objects (their specific type is looked up for the
    page of results shown only); when the search backend fails, a title match, and the failure noted in
    problems."""
    from wagtail.models import Page

    terms = " ".join(search_words(query))
    if not terms:
        return []
    found = engine_call(lambda: list(Page.objects.live().public().exclude(depth__lte=1).search(terms)[:200]), problems)
    if found is None:
        return list(Page.objects.live().public().filter(title__icontains=terms)[:200])
    return found


def search_other_models(query, problems=None):
    results = []
    terms = " ".join(search_words(query))
    for app_label, model_name, kind in TYPED_MODELS:
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            continue
        manager = getattr(model, "public_objects", None) or model.objects
        qs = manager.all()
        if not hasattr(model, "search_fields"):
            continue
        items = engine_call(lambda qs=qs: list(qs.search(terms)[:50]), problems) or []
        for item in items:
            url = item.get_absolute_url() if hasattr(item, "get_absolute_url") else ""
            results.append(SiteResult(kind, str(item), url, text=getattr(item, "description", "") or ""))
    return results


def page_kinds():
    """{content type id: result type} for the page models with their own result type."""
    from django.contrib.contenttypes.models import ContentType

    kinds = {}
    for app_label, model_name, kind in TYPED_PAGE_MODELS:
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            continue
        kinds[ContentType.objects.get_for_model(model, for_concrete_model=False).pk] = kind
    return kinds


def search_site(query, source_type=None):
    """All results for a query, promoted first: a list of SiteResult, the counts per kind, the facility
    suggestion, and a notice for the visitor when the search engine failed and simpler searches stood in.

    The results are light (no snippets, page URLs or specific pages yet): run `fill_results` on the
    ones shown."""
    from .suggest import facility_url_maker

    results, seen_pages, problems = [], set(), []
    for page in promoted_pages(query):
        seen_pages.add(page.pk)
        results.append(SiteResult(_page_kind(page), page.title, "", promoted=True, text=page.search_description, page=page))
    # No facet counts: this page shows none.
    facility_result = search_facilities(FacilityQuery(text=query, limit=MAX_FACILITIES, facets=False, details=False))
    if facility_result.hits:
        facility_url = facility_url_maker()
        for hit in facility_result.hits:
            f = hit.facility
            results.append(SiteResult("facility", f.name, facility_url(f.slug), text=f.description))
    kinds = page_kinds()
    for page in search_pages(query, problems):
        if page.pk in seen_pages:
            continue
        results.append(SiteResult(kinds.get(page.content_type_id, "page"), page.title, "", page=page))
    results += search_other_models(query, problems)
    counts = {}
    for r in results:
        counts[r.kind] = counts.get(r.kind, 0) + 1
    if source_type:
        results = [r for r in results if r.kind == source_type]
    notice = FALLBACK_NOTICE if problems or getattr(facility_result, "notice", "") else ""
    return results, counts, facility_result.suggestion, notice


def fill_results(results, query, request=None):
    """Complete the results that are shown: highlighted snippets, page URLs (site root paths read once,
    via the request) and the text of pages (their specific versions, one query per page type)."""
    from wagtail.models import Page

    pages = [r.page for r in results if r.page is not None and not r.url]
    specific = {}
    if pages:
        for page in Page.objects.filter(pk__in=[p.pk for p in pages]).specific():
            specific[page.pk] = page
    for result in results:
        if result.page is not None and not result.url:
            page = specific.get(result.page.pk, result.page)
            result.url = page.get_url(request) or ""
            if not result.text:
                result.text = page.search_description or getattr(page, "introduction", "") or ""
        if not result.snippet and result.text:
            result.snippet = highlight(result.text, query)
    return results


def _facility_url(facility):
    from .suggest import _facility_url as url_for

    if hasattr(facility, "get_url"):
        try:
            return facility.get_url() or ""
        except Exception:  # noqa: BLE001
            pass
    return url_for(facility.slug)
