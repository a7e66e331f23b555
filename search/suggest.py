"""Autocomplete suggestions: facility names, page titles and synonym terms that start with what was typed
(or, after a typo, with its correction). Cheap queries with LIMIT; the vocabulary is in memory."""

from django.db.models import Q

from .analysis import fold, words
from .indexing import get_vocabulary, vocabulary_scope

MAX_SUGGESTIONS = 8


def suggestions(prefix, limit=MAX_SUGGESTIONS):
    with vocabulary_scope():
        return _suggestions(prefix, limit)


def _suggestions(prefix, limit):
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
    vocabulary = get_vocabulary()
    fixes = vocabulary.corrections(last) if len(last) >= 5 and not vocabulary.has_prefix(last) else []
    if fixes:
        terms.append(" ".join(text.split()[:-1] + [fixes[0]]))
    roots = site_roots()
    facility_url = facility_url_maker(roots)
    for term in terms:
        # A word of the name starts with the term (PostgreSQL: the trigram index of migration 0005).
        word_start = Q(name__istartswith=term) | Q(name__icontains=" " + term)
        # No ORDER BY: sorting every match of a short prefix among 100,000 names costs more than the lookup.
        matches = Facility.objects.filter(live=True, status="active").filter(word_start).order_by()
        for name, slug in matches.values_list("name", "slug")[:limit]:
            add(name, "facility", facility_url(slug))
        if len(out) >= limit:
            break
        for title, url_path in (
            Page.objects.live().public().filter(Q(title__istartswith=term) | Q(title__icontains=" " + term))
            .values_list("title", "url_path")[:limit]
        ):
            add(title, "page", page_url(url_path, roots))
        for syn in Synonym.objects.filter(term__istartswith=term).values_list("term", flat=True)[:limit]:
            add(syn, "term")
    return out


def site_roots():
    from wagtail.models import Site

    return [(root.root_path, root.root_url) for root in Site.get_site_root_paths()]


def page_url(url_path, roots=None):
    """The public URL (relative) of a page from its url_path, without loading the page or its site."""
    for root_path, _root_url in roots if roots is not None else site_roots():
        if url_path.startswith(root_path):
            return "/" + url_path[len(root_path) :]
    return ""


def facility_url_maker(roots=None):
    """slug -> the URL of the facility's page under the first live social map page ('' without one)."""
    base = social_map_url(roots)
    if base:
        return lambda slug: f"{base}{slug}/"
    return _facility_url


def social_map_url(roots=None):
    try:
        from socialmap.models import SocialMapPage
    except ImportError:  # pragma: no cover
        return ""
    page = SocialMapPage.objects.live().public().order_by("path").only("id", "url_path").first()
    return page_url(page.url_path, roots) if page is not None else ""


def _facility_url(slug):
    from django.urls import NoReverseMatch, reverse

    for name in ("socialmap:facility", "socialmap:facility_detail"):
        try:
            return reverse(name, kwargs={"slug": slug})
        except NoReverseMatch:
            continue
    return ""
