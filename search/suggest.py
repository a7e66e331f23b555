"""Autocomplete suggestions: facility names, page titles and synonym terms that start with what was typed
(or, after a typo, with its correction). Cheap queries with LIMIT; the vocabulary is in memory."""

from django.db.models import Q

from .analysis import fold, words
from .indexing import get_vocabulary

MAX_SUGGESTIONS = 8


def suggestions(prefix, limit=MAX_SUGGESTIONS):
    from socialmap.models import Facility
    from wagtail.models import Page

    from .models import Synonym

    text = " ".join(words(prefix))[:100]
    if len(text) < 2:
        return []
    out, seen = [], set()

    def add(label, kind, url=""):
        key = fold(label)
        if key not in seen and len(out) < limit:
            seen.add(key)
            out.append({"label": label, "type": kind, "url": url})

    terms = [prefix.strip()[:100]]
    last = text.split()[-1]
    fixes = get_vocabulary().corrections(last) if len(last) >= 5 and not get_vocabulary().has_prefix(last) else []
    if fixes:
        terms.append(" ".join(text.split()[:-1] + [fixes[0]]))
    for term in terms:
        word_start = Q(name__istartswith=term) | Q(name__icontains=" " + term)
        for name, slug in Facility.objects.filter(live=True, status="active").filter(word_start).values_list("name", "slug")[:limit]:
            add(name, "facility", _facility_url(slug))
        for page in Page.objects.live().public().filter(Q(title__istartswith=term) | Q(title__icontains=" " + term))[:limit]:
            add(page.title, "page", page.url or "")
        for syn in Synonym.objects.filter(term__istartswith=term)[:limit]:
            add(syn.term, "term")
    return out


def _facility_url(slug):
    from django.urls import NoReverseMatch, reverse

    for name in ("socialmap:facility", "socialmap:facility_detail"):
        try:
            return reverse(name, kwargs={"slug": slug})
        except NoReverseMatch:
            continue
    return ""
