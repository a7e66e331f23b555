"""From what a resident types to what the index is asked: concepts with alternatives.

A query becomes a list of *concepts* (one per meaningful word or phrase). A concept matches a document
when any of its alternatives matches; an alternative is a conjunction of index terms (stems, optionally
as prefixes). Alternatives come from:

- the word itself (exact stem, and the stem as a prefix for compound heads: mantelzorg* ~ mantelzorgers);
- joining it with the next word when the joined word is in the vocabulary ("voedsel bank" -> voedselbank);
- splitting it into compound parts found in the vocabulary ("gokverslaving" -> gok + verslaving);
- typo corrections against the vocabulary ("mantelzrog" -> mantelzorg), which also give "Did you mean";
- staff-edited synonyms (Synonym snippets), matched as phrases ("hulp in huis" -> huishoudelijke hulp, ...).

Place names (areas and cities) are taken out of the text and become a location boost.
Nothing here is specific to a query: it is driven by the vocabulary, the synonyms and the areas.
"""

import functools
from dataclasses import dataclass, field

from .analysis import PROXIMITY_WORDS, STOPWORDS, content_words, stem, words

MAX_WORDS = 16
PREFIX_MIN = 4

# How much an alternative counts compared with the resident's own word.
W_EXACT, W_PREFIX, W_JOINED, W_PARTS, W_SYNONYM, W_FUZZY = 1.0, 0.75, 1.0, 0.85, 0.9, 0.8


@dataclass(frozen=True)
class Term:
    token: str
    prefix: bool = False


@dataclass
class Alternative:
    terms: tuple
    weight: float = 1.0
    kind: str = "exact"


@dataclass
class Concept:
    label: str
    alternatives: list = field(default_factory=list)
    importance: float = 0.0

    @property
    def known(self):
        return bool(self.alternatives)


@dataclass
class ParsedQuery:
    text: str
    concepts: list = field(default_factory=list)
    places: list = field(default_factory=list)  # normalised place names found in the query
    corrected_words: list = field(default_factory=list)  # the query with typos corrected, word by word
    corrections: dict = field(default_factory=dict)

    @property
    def suggestion(self):
        """'Did you mean': the query with likely typos replaced, or '' when nothing was corrected."""
        return " ".join(self.corrected_words) if self.corrections else ""

    def all_terms(self):
        seen = []
        for c in self.concepts:
            for alt in c.alternatives:
                for t in alt.terms:
                    if t not in seen:
                        seen.append(t)
        return seen


# -- synonyms and places, cached per process and refreshed when they change -------------------------------


def _synonym_signature():
    from django.db.models import Count, Max

    from .models import Synonym

    agg = Synonym.objects.aggregate(n=Count("id"), m=Max("updated_at"))
    return (agg["n"], str(agg["m"]))


@functools.lru_cache(maxsize=4)
def _synonym_index(signature):
    """{stem sequence of a phrase: [alternatives of its group]}."""
    from .models import Synonym

    index = {}
    for syn in Synonym.objects.all():
        group = syn.group()
        phrase_terms = [tuple(stem(w) for w in content_words(p)) for p in group]
        for phrase in group:
            key = tuple(stem(w) for w in words(phrase))
            if not key:
                continue
            alts = index.setdefault(key, [])
            for terms in phrase_terms:
                if terms and terms not in alts:
                    alts.append(terms)
    return index


def synonym_index():
    return _synonym_index(_synonym_signature())


def synonym_groups():
    from .models import Synonym

    return [s.group() for s in Synonym.objects.all()]


@functools.lru_cache(maxsize=4)
def _place_index(signature):
    from socialmap.models import Area, Location

    names = set(Area.objects.exclude(kind="gemeente").values_list("name", flat=True))
    names |= set(Location.objects.exclude(city="").values_list("city", flat=True).distinct())
    return {tuple(words(n)) for n in names if words(n)}


def place_index():
    from django.db.models import Count, Max

    from socialmap.models import Area

    from .indexing import current_signature

    # Not a DISTINCT over every location's city (100,000 rows): a changed city re-indexes the facilities
    # there, which changes the index signature; areas are a small table.
    areas = Area.objects.aggregate(n=Count("id"), m=Max("id"))
    return _place_index((current_signature(), areas["n"], areas["m"]))


# -- parsing ----------------------------------------------------------------------------------------------


def _longest_match(seq, start, keys, max_len=4):
    for n in range(min(max_len, len(seq) - start), 0, -1):
        key = tuple(seq[start : start + n])
        if key in keys:
            return n, key
    return 0, None


def _word_alternatives(word, vocabulary):
    """Alternatives for one content word, and its typo correction if one was needed.

    In order: the word itself (exact stem, and as a prefix), its compound parts, words that start with
    it, and only when none of those exist, typo corrections.
    """
    s = stem(word)
    alts = []
    correction = None
    if word in vocabulary or s in vocabulary:
        alts.append(Alternative((Term(s),), W_EXACT, "exact"))
        if len(s) >= PREFIX_MIN:
            alts.append(Alternative((Term(s, prefix=True),), W_PREFIX, "prefix"))
    close = [] if alts else vocabulary.corrections(word, max_distance=1)[:2]
    parts = None if close else vocabulary.decompound(word, min_part=3)
    if parts:
        stems = [stem(p) for p in parts]
        alts.append(Alternative(tuple(Term(p, prefix=len(p) >= PREFIX_MIN) for p in stems), W_PARTS, "parts"))
    if not alts and len(word) >= PREFIX_MIN + 1 and vocabulary.has_prefix(word):
        # A word the texts only use inside longer ones ("depressie" in "depressieve").
        alts.append(Alternative((Term(s, prefix=True),), W_PREFIX, "prefix"))
        if s != word:
            alts.append(Alternative((Term(word, prefix=True),), W_PREFIX, "prefix"))
    if not alts:
        fixes = close or vocabulary.corrections(word)[:2]
        if fixes:
            correction = fixes[0]
            for fix in fixes:
                fs = stem(fix)
                alts.append(Alternative((Term(fs),), W_FUZZY, "fuzzy"))
                if len(fs) >= PREFIX_MIN:
                    alts.append(Alternative((Term(fs, prefix=True),), W_FUZZY * W_PREFIX, "fuzzy"))
    return alts, correction


def parse_query(text, vocabulary, near=None):
    seq = words(text)[:MAX_WORDS]
    parsed = ParsedQuery(text=text)
    places = place_index()
    synonyms = synonym_index()
    stems = [stem(w) for w in seq]
    i = 0
    while i < len(seq):
        n, key = _longest_match(seq, i, places, max_len=3)
        if n and not (n == 1 and seq[i] in STOPWORDS):
            parsed.places.append(" ".join(key))
            parsed.corrected_words.extend(seq[i : i + n])
            i += n
            continue
        word = seq[i]
        if word in STOPWORDS or (near and word in PROXIMITY_WORDS) or (len(word) == 1 and not word.isdigit()):
            parsed.corrected_words.append(word)
            i += 1
            continue
        # Joined compound written in two: "voedsel bank", "schuldhulp verlening".
        nxt = seq[i + 1] if i + 1 < len(seq) else None
        if nxt and nxt not in STOPWORDS:
            joined = word + nxt
            if joined in vocabulary and vocabulary.word_df.get(joined, 0) > 0:
                concept = Concept(
                    f"{word} {nxt}",
                    [
                        Alternative((Term(stem(joined)),), W_JOINED, "joined"),
                        Alternative((Term(stem(joined), prefix=True),), W_JOINED * W_PREFIX, "joined"),
                    ],
                )
                a1, _ = _word_alternatives(word, vocabulary)
                a2, _ = _word_alternatives(nxt, vocabulary)
                if a1 and a2:
                    both = tuple(Term(t.token, prefix=len(t.token) >= PREFIX_MIN) for t in a1[0].terms + a2[0].terms)
                    concept.alternatives.append(Alternative(both, W_PARTS, "parts"))
                _add_synonyms(concept, [stem(joined)], synonyms)
                parsed.concepts.append(concept)
                parsed.corrected_words.extend([word, nxt])
                i += 2
                continue
        # Synonym phrases ("hulp in huis") before single words.
        n, key = _longest_match(stems, i, synonyms)
        if n > 1:
            phrase_words = [w for w in seq[i : i + n] if w not in STOPWORDS]
            concept = Concept(" ".join(seq[i : i + n]))
            concept.alternatives.append(
                Alternative(tuple(Term(stem(w)) for w in phrase_words), W_EXACT, "exact")
            )
            for terms in synonyms[key]:
                alt = Alternative(tuple(Term(t, prefix=len(t) >= PREFIX_MIN) for t in terms), W_SYNONYM, "synonym")
                if alt.terms != concept.alternatives[0].terms:
                    concept.alternatives.append(alt)
            parsed.concepts.append(concept)
            parsed.corrected_words.extend(seq[i : i + n])
            i += n
            continue
        alts, correction = _word_alternatives(word, vocabulary)
        concept = Concept(word, alts)
        keys = [stem(word)]
        if correction:
            parsed.corrections[word] = correction
            keys.append(stem(correction))
        _add_synonyms(concept, keys, synonyms)
        parsed.concepts.append(concept)
        parsed.corrected_words.append(correction or word)
        i += 1
    for concept in parsed.concepts:
        concept.importance = _importance(concept, vocabulary)
    return parsed


def _add_synonyms(concept, stem_keys, synonyms):
    for key in stem_keys:
        for terms in synonyms.get((key,), []):
            alt = Alternative(tuple(Term(t, prefix=len(t) >= PREFIX_MIN) for t in terms), W_SYNONYM, "synonym")
            if all(alt.terms != a.terms for a in concept.alternatives):
                concept.alternatives.append(alt)


def _importance(concept, vocabulary):
    """How much a concept matters in the query: the rarity (idf) of the resident's own word.

    Unknown words count as rare as can be; a concept known only through synonyms counts as its
    rarest alternative.
    """
    if not concept.alternatives:
        return vocabulary.idf("\0unknown")
    own = [a for a in concept.alternatives if a.kind in ("exact", "joined", "parts")]
    pool = own or concept.alternatives
    return max(min(vocabulary.idf(t.token) for t in alt.terms) for alt in pool)
