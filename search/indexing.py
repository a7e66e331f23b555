"""Keeping the facility search documents, the full-text index and the vocabulary current.

- `index_facility(facility)` writes one FacilitySearchDocument (and its FTS5 row on SQLite; PostgreSQL keeps
  its tsvector in a generated column) for a live, active facility, or removes it otherwise.
- `reindex_all()` rebuilds everything in two passes: first the vocabulary (so compounds can be split
  against words from all texts), then the documents. `manage.py reindex_facilities` runs it.
- `index_facilities(ids)` does the same for many facilities at once (a few queries in all).
- Signals (connected in SearchConfig.ready) re-index a facility after it is saved, published or unpublished,
  and when its organisation or one of its locations changes; deleting removes it.
- `with deferred():` (bulk imports) collects those requests and indexes each facility once, after the
  transaction commits; `with paused():` drops them (run reindex_all() afterwards).
"""

import functools
import threading
from collections import Counter
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import Count, Max, Sum

from django.utils import timezone

from .analysis import Vocabulary, analyse_text, fold, words

FTS_TABLE = "search_facility_fts"
FIELDS = ["name", "organisation", "terms", "description", "extra", "places", "parts"]
TEXT_FIELDS = FIELDS[:-1]


def is_sqlite():
    return connection.vendor == "sqlite"


def is_postgres():
    return connection.vendor == "postgresql"


# -- what a facility says -----------------------------------------------------------------------------


def facility_texts(facility):
    """The raw text per field of one facility (prefetch terms, areas and locations for speed)."""
    places, place_keys = [], set()
    for sal in facility.service_at_locations.all():
        loc = sal.location
        places += [loc.name, loc.city]
        if loc.city:
            place_keys.add(" ".join(words(loc.city)))
        area = loc.area
        while area is not None and area.kind != "gemeente":
            places.append(area.name)
            place_keys.add(" ".join(words(area.name)))
            area = area.parent
    for area in facility.areas_served.all():
        if area.kind != "gemeente":
            places.append(area.name)
            place_keys.add(" ".join(words(area.name)))
    return {
        "name": facility.name,
        "organisation": facility.organisation.name if facility.organisation_id else "",
        "terms": " ".join(t.name for t in facility.terms.all() if t.taxonomy in ("levensdomein", "doelgroep")),
        "description": facility.description,
        "extra": " ".join([facility.eligibility_description, facility.application_process, facility.fees_description]),
        "places": " ".join(p for p in places if p),
        "place_keys": "\n".join(sorted(k for k in place_keys if k)),
    }


def is_public(facility):
    from socialmap.models import Facility

    return facility.live and facility.status == Facility.ACTIVE


def indexable_facilities():
    from search.facilities import public_facilities

    return public_facilities().prefetch_related("service_at_locations__location__area__parent__parent", "areas_served")


# -- the vocabulary -----------------------------------------------------------------------------------


def vocabulary_signature():
    from .models import FacilitySearchDocument, SearchTerm

    agg = SearchTerm.objects.aggregate(n=Count("id"), m=Max("id"), s=Sum("doc_freq"))
    # Maxima, not a COUNT: at 100,000 documents counting them costs 100 ms on every search and every
    # autocomplete keystroke, the maxima come from indexes. The last document change tells apart
    # vocabularies with the same counts (ids are reused after a rollback); a removal changes the word
    # counts only at the next full reindex anyway.
    docs = FacilitySearchDocument.objects.aggregate(i=Max("id"), u=Max("updated_at"))
    return (agg["n"], agg["m"], agg["s"], docs["i"], docs["u"])


@functools.lru_cache(maxsize=4)
def _load_vocabulary(signature):
    from .models import FacilitySearchDocument, SearchTerm

    total = FacilitySearchDocument.objects.count()  # once per index change, not per search
    return Vocabulary(dict(SearchTerm.objects.values_list("word", "doc_freq")), total_docs=total)


_scope = threading.local()


def current_signature():
    """vocabulary_signature(), read once per vocabulary_scope()."""
    signature = getattr(_scope, "signature", None)
    return signature if signature is not None else vocabulary_signature()


def get_vocabulary():
    """The current vocabulary, cached in the process until the index changes."""
    return _load_vocabulary(current_signature())


@contextmanager
def vocabulary_scope():
    """Within the block, the index signature (two aggregate queries) is read once: a search asks for the
    vocabulary, the synonyms and the place names several times."""
    if getattr(_scope, "signature", None) is not None:
        yield
        return
    _scope.signature = vocabulary_signature()
    try:
        yield
    finally:
        _scope.signature = None


def _word_set(texts):
    return set(words(" ".join(v for k, v in texts.items() if k != "place_keys")))


def rebuild_vocabulary(all_texts):
    from .models import SearchTerm

    df = Counter()
    for texts in all_texts:
        df.update(w for w in _word_set(texts) if len(w) > 1 and not w.isdigit())
    SearchTerm.objects.all().delete()
    SearchTerm.objects.bulk_create([SearchTerm(word=w[:100], doc_freq=n) for w, n in df.items()], batch_size=2000)
    return Vocabulary(df, total_docs=len(all_texts))


def add_to_vocabulary(texts):
    """Incremental: count the words of one new or changed document (a full reindex makes counts exact)."""
    from .models import SearchTerm

    _add_words(_word_set(texts))


def _add_words(word_set):
    from .models import SearchTerm

    candidates = [w for w in word_set if len(w) > 1 and not w.isdigit()]
    present = set()
    for start in range(0, len(candidates), 500):  # stay under SQLite's limit on query parameters
        chunk = candidates[start : start + 500]
        present.update(SearchTerm.objects.filter(word__in=chunk).values_list("word", flat=True))
    new = [w for w in candidates if w not in present]
    SearchTerm.objects.bulk_create(
        [SearchTerm(word=w[:100], doc_freq=1) for w in new], ignore_conflicts=True, batch_size=500
    )


# -- documents ----------------------------------------------------------------------------------------


def analysed_fields(texts, vocabulary):
    parts = []
    fields = {f: " ".join(analyse_text(texts[f], vocabulary, parts_out=parts)) for f in TEXT_FIELDS}
    fields["parts"] = " ".join(parts)
    fields["place_keys"] = texts["place_keys"]
    return fields


def _write_fts(doc_id, fields):
    if not is_sqlite():
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [doc_id])
        cursor.execute(
            f"INSERT INTO {FTS_TABLE} (rowid, {', '.join(FIELDS)}) VALUES (%s, {', '.join(['%s'] * len(FIELDS))})",
            [doc_id] + [fields[f] for f in FIELDS],
        )


def _delete_fts(doc_ids):
    if not is_sqlite() or not doc_ids:
        return
    doc_ids = list(doc_ids)
    with connection.cursor() as cursor:
        for start in range(0, len(doc_ids), 500):
            chunk = doc_ids[start : start + 500]
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({', '.join(['%s'] * len(chunk))})", chunk)


def write_document(facility, fields):
    from .models import FacilitySearchDocument

    doc, _ = FacilitySearchDocument.objects.update_or_create(facility=facility, defaults=fields)
    _write_fts(doc.pk, fields)
    return doc


def remove_facility(facility_id):
    from .models import FacilitySearchDocument

    ids = list(FacilitySearchDocument.objects.filter(facility_id=facility_id).values_list("pk", flat=True))
    _delete_fts(ids)
    FacilitySearchDocument.objects.filter(pk__in=ids).delete()


def index_facility(facility_or_id):
    """(Re)index one facility, or remove it from the index when it is not public."""
    pk = getattr(facility_or_id, "pk", facility_or_id)
    facility = indexable_facilities().filter(pk=pk).first()
    if facility is None:
        remove_facility(pk)
        return None
    texts = facility_texts(facility)
    with transaction.atomic():
        add_to_vocabulary(texts)
        doc = write_document(facility, analysed_fields(texts, get_vocabulary()))
    _notify_external(facility)
    return doc


def index_facilities(facility_ids):
    """(Re)index many facilities at once, or remove those that are not public: the batch form of
    index_facility (same vocabulary rule: words not yet known are added), in a handful of queries."""
    from .models import FacilitySearchDocument, SearchTerm

    pks = {getattr(f, "pk", f) for f in facility_ids}
    if not pks:
        return 0
    facilities = list(indexable_facilities().filter(pk__in=pks))
    found = {f.pk for f in facilities}
    gone = [pk for pk in pks if pk not in found]
    all_texts = [facility_texts(f) for f in facilities]
    with transaction.atomic():
        if gone:
            ids = list(FacilitySearchDocument.objects.filter(facility_id__in=gone).values_list("pk", flat=True))
            _delete_fts(ids)
            FacilitySearchDocument.objects.filter(pk__in=ids).delete()
        if facilities:
            all_words = set()
            for texts in all_texts:
                all_words |= _word_set(texts)
            _add_words(all_words)
            existing = {d.facility_id: d for d in FacilitySearchDocument.objects.filter(facility_id__in=found)}
            # Every word of the batch is known, as reindex_all() has it: compounds split alike whatever the order.
            vocabulary = Vocabulary(
                dict(SearchTerm.objects.values_list("word", "doc_freq")),
                total_docs=FacilitySearchDocument.objects.count() + len(found) - len(existing),
            )
            now = timezone.now()
            updated, created = [], []
            for facility, texts in zip(facilities, all_texts):
                fields = analysed_fields(texts, vocabulary)
                doc = existing.get(facility.pk)
                if doc is None:
                    created.append(FacilitySearchDocument(facility=facility, **fields))
                else:
                    for key, value in fields.items():
                        setattr(doc, key, value)
                    doc.updated_at = now
                    updated.append(doc)
            if updated:
                FacilitySearchDocument.objects.bulk_update(updated, FIELDS + ["place_keys", "updated_at"], batch_size=500)
            created = FacilitySearchDocument.objects.bulk_create(created, batch_size=500)
            if is_sqlite():
                docs = updated + created
                if any(d.pk is None for d in docs):  # an old SQLite without RETURNING
                    docs = list(FacilitySearchDocument.objects.filter(facility_id__in=found))
                _delete_fts([d.pk for d in docs])
                with connection.cursor() as cursor:
                    cursor.executemany(
                        f"INSERT INTO {FTS_TABLE} (rowid, {', '.join(FIELDS)}) "
                        f"VALUES (%s, {', '.join(['%s'] * len(FIELDS))})",
                        [[d.pk] + [getattr(d, f) for f in FIELDS] for d in docs],
                    )
    for facility in facilities:
        _notify_external(facility)
    return len(facilities)


def reindex_all(progress=None):
    """Rebuild every document and the vocabulary. `progress` wraps an iterable (e.g. tqdm)."""
    from .models import FacilitySearchDocument

    facilities = list(indexable_facilities())
    all_texts = [facility_texts(f) for f in facilities]
    with transaction.atomic():
        vocabulary = rebuild_vocabulary(all_texts)
        _delete_fts_all()
        FacilitySearchDocument.objects.all().delete()
        docs = []
        pairs = zip(facilities, all_texts)
        if progress:
            pairs = progress(pairs, total=len(facilities))
        for facility, texts in pairs:
            docs.append(FacilitySearchDocument(facility=facility, **analysed_fields(texts, vocabulary)))
        FacilitySearchDocument.objects.bulk_create(docs, batch_size=1000)
        if is_sqlite():
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {FTS_TABLE} (rowid, {', '.join(FIELDS)}) SELECT id, {', '.join(FIELDS)} "
                    f"FROM search_facilitysearchdocument"
                )
    _load_vocabulary.cache_clear()
    return len(docs)


def _delete_fts_all():
    if is_sqlite():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE}")


def _notify_external(facility):
    """Let an external engine (Elasticsearch) index the facility too, when one is configured."""
    from search.backends import get_facility_backend

    try:
        backend = get_facility_backend()
    except Exception:  # noqa: BLE001 - a misconfigured backend must not break saving in the admin
        return
    if hasattr(backend, "index_facility"):
        from search.breaker import SearchEngineUnavailable, is_unreachable, trip

        try:
            backend.index_facility(facility)
        except SearchEngineUnavailable:
            # Already logged when the engine failed; the database index is current, a reindex catches up.
            pass
        except Exception as exc:  # noqa: BLE001 - the database index is current; ES catches up on reindex
            import logging

            logging.getLogger(__name__).warning("Could not update the external search index", exc_info=True)
            if is_unreachable(exc):
                trip(exc)


# -- signals ------------------------------------------------------------------------------------------


_paused = {"depth": 0}


class paused:
    """Suspend indexing on save (for bulk imports); run reindex_all() afterwards."""

    def __enter__(self):
        _paused["depth"] += 1

    def __exit__(self, *exc):
        _paused["depth"] -= 1


_deferral = threading.local()


class _Requests:
    """Index requests collected by deferred(): facilities, and organisations and locations whose facilities
    are looked up only when flushing (most have none yet while an import creates them)."""

    def __init__(self):
        self.facilities, self.organisations, self.locations = set(), set(), set()

    def __bool__(self):
        return bool(self.facilities or self.organisations or self.locations)

    def facility_ids(self):
        from socialmap.models import ServiceAtLocation

        ids = set(self.facilities)
        if self.organisations:
            from socialmap.models import Facility

            ids.update(Facility.objects.filter(organisation_id__in=self.organisations).values_list("pk", flat=True))
        if self.locations:
            ids.update(ServiceAtLocation.objects.filter(location_id__in=self.locations).values_list("facility_id", flat=True))
        return ids


def _requests():
    stack = getattr(_deferral, "stack", None)
    return stack[-1] if stack else None


@contextmanager
def deferred():
    """Collect the index requests made inside the block (saves, publishes, changed organisations and
    locations, deletions) and index each facility once when the outermost block ends, after the
    transaction commits (nothing when it rolls back). For bulk imports: one batch instead of a
    re-index per save. Per thread, so requests from other threads are handled as usual."""
    stack = getattr(_deferral, "stack", None)
    if stack is None:
        stack = _deferral.stack = []
    if stack:  # nested: the outer block flushes
        yield stack[-1]
        return
    requests = _Requests()
    stack.append(requests)
    try:
        yield requests
    finally:
        stack.pop()
        if requests and not _paused["depth"]:
            transaction.on_commit(lambda: index_facilities(requests.facility_ids()))


def _schedule(facility_ids):
    if _paused["depth"]:
        return
    ids = list(facility_ids)

    def run():
        for pk in ids:
            index_facility(pk)

    transaction.on_commit(run)


def _deferred_request(kind, pk):
    """True when the request is taken care of: dropped (paused) or collected (deferred)."""
    if _paused["depth"]:
        return True
    requests = _requests()
    if requests is None:
        return False
    getattr(requests, kind).add(pk)
    return True


def on_facility_saved(sender, instance, **kwargs):
    if not _deferred_request("facilities", instance.pk):
        _schedule([instance.pk])


def on_facility_deleted(sender, instance, **kwargs):
    if not _deferred_request("facilities", instance.pk):
        remove_facility(instance.pk)


def on_organisation_saved(sender, instance, **kwargs):
    if not _deferred_request("organisations", instance.pk):
        _schedule(instance.facilities.values_list("pk", flat=True))


def on_location_saved(sender, instance, **kwargs):
    if not _deferred_request("locations", instance.pk):
        _schedule(instance.service_at_locations.values_list("facility_id", flat=True).distinct())


def connect_signals():
    from django.db.models.signals import post_save, pre_delete
    from wagtail.signals import published, unpublished

    from socialmap.models import Facility, Location, Organisation

    post_save.connect(on_facility_saved, sender=Facility, dispatch_uid="search_facility_saved")
    published.connect(on_facility_saved, sender=Facility, dispatch_uid="search_facility_published")
    unpublished.connect(on_facility_saved, sender=Facility, dispatch_uid="search_facility_unpublished")
    pre_delete.connect(on_facility_deleted, sender=Facility, dispatch_uid="search_facility_deleted")
    post_save.connect(on_organisation_saved, sender=Organisation, dispatch_uid="search_organisation_saved")
    post_save.connect(on_location_saved, sender=Location, dispatch_uid="search_location_saved")


def fold_place(text):
    return " ".join(words(fold(text)))
