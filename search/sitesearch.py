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
    kind: str
    title: str
    url: str
    snippet: str = ""
    promoted: bool = False


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
        picks = Query.get(query).editors_picks.all()
    except Exception:  # noqa: BLE001 - an odd query string must never break the page
        return []
    return [p.page.specific for p in picks if p.page.live]


FALLBACK_NOTICE = _("The search engine is not available right now; these results come from a simpler search.")


def search_pages(query, problems=None):
    """Pages for the query; when the search backend fails, a title match, and the failure noted in problems."""
    from wagtail.models import Page

    terms = " ".join(search_words(query))
    if not terms:
        return []
    try:
        return list(Page.objects.live().public().exclude(depth__lte=1).specific().search(terms)[:200])
    except Exception as exc:  # noqa: BLE001 - fall back to a title match rather than a 500
        logger.warning("page search unavailable, falling back to a title match: %s", exc)
        if problems is not None:
            problems.append(exc)
        return list(Page.objects.live().public().filter(title__icontains=terms).specific()[:200])


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
        if hasattr(model, "search_fields"):
            try:
                items = list(qs.search(terms)[:50])
            except Exception as exc:  # noqa: BLE001
                if problems is not None:
                    problems.append(exc)
                items = []
        else:
            continue
        for item in items:
            url = item.get_absolute_url() if hasattr(item, "get_absolute_url") else ""
            results.append(SiteResult(kind, str(item), url, highlight(getattr(item, "description", "") or "", query)))
    return results


def search_site(query, source_type=None):
    """All results for a query, promoted first: a list of SiteResult, the counts per kind, the facility
    suggestion, and a notice for the visitor when the search engine failed and simpler searches stood in."""
    results, seen_pages, problems = [], set(), []
    for page in promoted_pages(query):
        seen_pages.add(page.pk)
        results.append(SiteResult(_page_kind(page), page.title, page.url or "", highlight(page.search_description, query), True))
    facility_result = search_facilities(FacilityQuery(text=query, limit=MAX_FACILITIES))
    for hit in facility_result.hits:
        f = hit.facility
        results.append(SiteResult("facility", f.name, _facility_url(f), highlight(f.description, query)))
    for page in search_pages(query, problems):
        if page.pk in seen_pages:
            continue
        body = page.search_description or getattr(page, "introduction", "") or ""
        results.append(SiteResult(_page_kind(page), page.title, page.url or "", highlight(body, query)))
    results += search_other_models(query, problems)
    counts = {}
    for r in results:
        counts[r.kind] = counts.get(r.kind, 0) + 1
    if source_type:
        results = [r for r in results if r.kind == source_type]
    notice = FALLBACK_NOTICE if problems or getattr(facility_result, "notice", "") else ""
    return results, counts, facility_result.suggestion, notice


def _facility_url(facility):
    from .suggest import _facility_url as url_for

    if hasattr(facility, "get_url"):
        try:
            return facility.get_url() or ""
        except Exception:  # noqa: BLE001
            pass
    return url_for(facility.slug)
