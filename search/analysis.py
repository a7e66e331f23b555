"""Dutch text analysis shared by every facility search backend.

The same functions analyse facility texts when they are indexed and queries when they are searched, so the
SQLite, PostgreSQL and Elasticsearch backends agree on what a word is:

- normalise: lowercase, accents folded (café -> cafe), words of letters and digits;
- stopwords: the usual Dutch function words (Snowball's list);
- stem: the Snowball Dutch stemmer (snowballstemmer, pure Python);
- decompound: split Dutch compounds into parts found in a vocabulary built from the indexed texts
  ("mantelzorgondersteuning" -> mantelzorg + ondersteuning, linking s/e/en allowed);
- fuzzy: Damerau-Levenshtein distance against the vocabulary, scaled by word length (typo tolerance).

Why not a library for decompounding and fuzzy lookup: the Dutch decompounders on PyPI need large
dictionaries that do not know the social domain; splitting against the site's own vocabulary is what
Elasticsearch's dictionary_decompounder does too, and it is a few lines.
"""

import functools
import re
import threading
import unicodedata

import snowballstemmer

WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)

# Snowball's Dutch stopword list, plus a few words that carry no meaning in a search box.
STOPWORDS = frozenset(
    """
    de en van ik te dat die in een hij het niet zijn is was op aan met als voor had er maar om hem dan zou of
    wat mijn men dit zo door over ze zich bij ook tot je mij uit der daar haar naar heb hoe heeft hebben deze
    u want nog zal me zij nu ge geen omdat iets worden toch al waren veel meer doen toen moet ben zonder kan
    hun dus alles onder ja eens hier wie werd altijd doch wordt wezen kunnen ons zelf tegen na reeds wil kon
    niets uw iemand geweest andere we wij jij jou jouw jullie mag waar wel welke hoe kunt waar wilt graag
    ik zoek zoeken gezocht iemand die
    """.split()
)

# Words that only say "close to me": when the query has a position, distance does that job.
PROXIMITY_WORDS = frozenset("buurt dichtbij omgeving hier nabij vlakbij dichtbij".split())

LINKING = ("", "s", "e", "en")  # Dutch linking morphemes between compound parts (tussenklanken)
MIN_PART = 4  # shortest compound part taken from the vocabulary
MIN_COMPOUND = 8  # shortest word we try to split


def fold(text):
    """Lowercase and strip accents: 'Café' -> 'cafe', 'ééntje' -> 'eentje'."""
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def words(text):
    """Normalised words of a text, in order (stopwords included)."""
    return WORD_RE.findall(fold(text or ""))


_local = threading.local()


def _stemmer():
    # A snowball stemmer keeps the word being stemmed in its own state, so one instance shared by the
    # threads of a gunicorn gthread worker mixes words up (IndexError under load): one per thread.
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = snowballstemmer.stemmer("dutch")
    return stemmer


@functools.lru_cache(maxsize=200_000)
def stem(word):
    if word.isdigit() or len(word) <= 3:
        return word
    return _stemmer().stemWord(word)


def content_words(text):
    return [w for w in words(text) if w not in STOPWORDS]


def max_edits(word):
    """Typos we forgive: none in short words, one from 5 letters, two from 10."""
    if len(word) < 5:
        return 0
    if len(word) < 10:
        return 1
    return 2


def edit_distance(a, b, limit=2):
    """Optimal-string-alignment Damerau-Levenshtein distance, stopping early above `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2 = None
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        row_min = cur[0]
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
            row_min = min(row_min, cur[j])
        if row_min > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def _known_form(part, known):
    """The form of `part` the vocabulary knows: itself, its stem, or without a verb ending -d/-t."""
    for form in (part, stem(part)):
        if form in known:
            return form
    if len(part) > 4 and part[-1] in "dt":
        for form in (part[:-1], stem(part[:-1])):
            if form in known:
                return form
    return None


def split_compound(word, known, min_part=MIN_PART, max_parts=3):
    """Split `word` into parts that are all in `known` (a set of words or stems), or return None.

    Returns the parts in the form the vocabulary knows. Prefers the fewest parts, then the longest first
    part. Linking s/e/en may sit between parts.
    """
    if len(word) < MIN_COMPOUND:
        return None

    @functools.lru_cache(maxsize=None)
    def best(start, parts_left):
        rest = word[start:]
        if start > 0 and len(rest) >= min_part:
            form = _known_form(rest, known)
            if form:
                return (form,)
        if parts_left <= 1:
            return None
        results = []
        for end in range(len(word) - min_part, start + min_part - 1, -1):
            head = _known_form(word[start:end], known)
            if not head:
                continue
            for link in LINKING:
                if link and not word.startswith(link, end):
                    continue
                tail = best(end + len(link), parts_left - 1)
                if tail:
                    results.append((head,) + tail)
        if not results:
            return None
        return min(results, key=lambda parts: (len(parts), -len(parts[0])))

    return best(0, max_parts)


class Vocabulary:
    """The words of the indexed texts with their document frequency, and lookups on them.

    words: {word: df}; stems: {stem: df}. Built by search.indexing from the search documents.
    """

    def __init__(self, word_df=None, total_docs=0):
        self.word_df = dict(word_df or {})
        self.total_docs = total_docs
        self.stem_df = {}
        for w, df in self.word_df.items():
            s = stem(w)
            self.stem_df[s] = max(self.stem_df.get(s, 0), df)
        self._known = set(self.word_df) | set(self.stem_df)
        self._splits = {}
        self._sorted = sorted(self.word_df)
        self._by_length = {}
        for w in self.word_df:
            self._by_length.setdefault(len(w), []).append(w)

    def __contains__(self, word):
        return word in self._known

    def known(self):
        return self._known

    def df(self, term):
        return self.stem_df.get(term, 0)

    def idf(self, term):
        import math

        n = max(self.total_docs, 1)
        df = min(self.df(term), n)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def decompound(self, word, min_part=MIN_PART):
        # Memoised: indexing 100,000 documents splits the same few thousand words over and over.
        key = (word, min_part)
        if key not in self._splits:
            if len(self._splits) > 200_000:  # queries bring arbitrary words: keep the memo bounded
                self._splits.clear()
            self._splits[key] = split_compound(word, self._known, min_part=min_part)
        return self._splits[key]

    def has_prefix(self, prefix):
        """Whether a vocabulary word starts with `prefix` (and is longer than it)."""
        import bisect

        i = bisect.bisect_right(self._sorted, prefix)
        return i < len(self._sorted) and self._sorted[i].startswith(prefix)

    def corrections(self, word, max_distance=None):
        """Vocabulary words within the typo budget of `word`, best first (fewest edits, most common)."""
        limit = max_edits(word) if max_distance is None else min(max_edits(word), max_distance)
        if not limit or word in self._known:
            return []
        found = []
        for length in range(len(word) - limit, len(word) + limit + 1):
            for candidate in self._by_length.get(length, ()):
                if candidate[0] != word[0] and candidate[:2] != word[:2][::-1]:
                    continue  # the first letter is rarely the typo; this keeps lookups fast
                d = edit_distance(word, candidate, limit)
                if d <= limit:
                    found.append((d, -self.word_df[candidate], candidate))
        found.sort()
        return [c for _, _, c in found]


def analyse_text(text, vocabulary=None, parts_out=None):
    """Index-side analysis: stems of the content words. The stems of compound parts go to `parts_out`
    when given (indexed in their own, lighter field), else they follow the word."""
    tokens = []
    for w in content_words(text):
        tokens.append(stem(w))
        if vocabulary is not None:
            parts = vocabulary.decompound(w)
            if parts:
                (parts_out if parts_out is not None else tokens).extend(stem(p) for p in parts)
    return tokens
