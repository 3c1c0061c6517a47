"""Finding a story by its words: what is indexed, how a reader's query becomes a match, the order.

The index and the query meet in the topic engine's normalized text (bot.core.normalize:
hamza and alef forms, ى/ي, ة/ه, diacritics and tatweel folded). A word is indexed as
itself and as every stem the topic engine's clitics and endings allow (bot.core.morphology):
«وبالأذربيجانية» also as «اذربيجانيه», «اذربيجان», «اذربيج». A query word asks for any of
its own stems, so «الأذربيجانية», «وأذربيجان» and «اذربيجان» all find «أذربيجان». A story
that shares the reader's very word shares all its stems too, and ranks above one that
shares only a short stem. No stemmer guesses: the same small rule runs on both sides.

Reader input never reaches SQLite's query syntax: every term is normalized (letters and
digits only) and quoted, so «"» or «NEAR(» or «*» are plain text, never operators.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.core.morphology import derivation_endings, english_endings, proclitics
from bot.core.normalize import normalize

SEARCH_DAYS = 30  # how far back a search reaches
MAX_QUERY_CHARS = 200  # a longer query is refused, not cut: the reader meant something else
MAX_QUERY_WORDS = 8
MIN_STEM = 3  # a stem shorter than this is too common to stand for a word
RECENCY_HALF_LIFE = timedelta(days=7)  # a week-old match counts half a fresh one

_PREFIXES = sorted((p for p in proclitics() if p), key=len)
_AR_ENDINGS = sorted((e for e in derivation_endings() if e), key=len)
_EN_ENDINGS = sorted((e for e in english_endings() if e), key=len)

# Words almost every article has: they find nothing and cost the most to look up.
STOPWORDS = frozenset(
    normalize(w)
    for w in (
        "في من على إلى عن مع أن إن ما لا لم لن هذا هذه ذلك التي الذي الذين هو هي كان قد "
        "بعد قبل حتى أو ثم عند بين كل غير منذ خلال حول ضد لدى أي وفي ومن وعلى "
        "the a an of in on at to for and or by with from is are was were be as it its that this"
    ).split()
)


class QueryProblem(StrEnum):
    """Why a query cannot be searched: each has its own reply."""

    EMPTY = "empty"  # nothing was written
    TOO_LONG = "too_long"
    NO_WORDS = "no_words"  # only punctuation, symbols, single letters or very common words


@dataclass(frozen=True)
class Query:
    """What a reader asked for: per word, the terms any of which finds it."""

    text: str  # as written (for the reply)
    words: tuple[tuple[str, ...], ...]

    @property
    def match(self) -> str:
        """The FTS5 MATCH expression: every word, each by any of its terms, all quoted."""
        return " AND ".join(
            "(" + " OR ".join(f'"{term}"' for term in terms) + ")" for terms in self.words
        )


_FORMS_CACHED = 200_000  # news repeats its words: most are looked up, not derived again
_forms_cache: dict[str, tuple[str, ...]] = {}


def word_forms(word: str) -> tuple[str, ...]:
    """A normalized word and its stems: without an allowed proclitic, an allowed ending, or both."""
    forms = _forms_cache.get(word)
    if forms is None:
        forms = _derive_forms(word)
        if len(_forms_cache) < _FORMS_CACHED:
            _forms_cache[word] = forms
    return forms


def _derive_forms(word: str) -> tuple[str, ...]:
    if word.isascii():
        if not word.isalpha():
            return (word,)
        stems = [word[: -len(e)] for e in _EN_ENDINGS if word.endswith(e)]
        return _unique((word, *(s for s in stems if len(s) >= MIN_STEM)))
    bases = [word] + [word[len(p) :] for p in _PREFIXES if word.startswith(p)]
    forms: list[str] = []
    for base in bases:
        if base is not word and len(base) < MIN_STEM:
            continue
        forms.append(base)
        forms.extend(
            base[: -len(e)]
            for e in _AR_ENDINGS
            if base.endswith(e) and len(base) - len(e) >= MIN_STEM
        )
    return _unique(forms)


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _words(text: str) -> list[str]:
    return [w for w in normalize(text).split() if len(w) > 1 and w not in STOPWORDS]


def index_terms(text: str) -> str:
    """What the index holds for a title or summary: each word's forms, space-separated."""
    return " ".join(form for word in _words(text) for form in word_forms(word))


def parse_query(text: str) -> Query | QueryProblem:
    """A reader's words as a query, or the reason there is none to run."""
    given = " ".join(text.split())
    if not given:
        return QueryProblem.EMPTY
    if len(given) > MAX_QUERY_CHARS:
        return QueryProblem.TOO_LONG
    words = list(dict.fromkeys(_words(given)))
    if not words:
        return QueryProblem.NO_WORDS
    if len(words) > MAX_QUERY_WORDS:
        return QueryProblem.TOO_LONG
    return Query(given, tuple(word_forms(w) for w in words))


@dataclass(frozen=True)
class Hit:
    """A stored article the index found, with its relevance (higher is better)."""

    article_id: int
    story_id: int | None
    title: str
    url: str
    source: str
    published_at: datetime
    relevance: float


def rank(hits: Iterable[Hit], now: datetime, limit: int) -> list[Hit]:
    """Best first by relevance weighed by age; one article per story, its best."""
    half_life = RECENCY_HALF_LIFE.total_seconds()

    def score(hit: Hit) -> float:
        age = max((now - hit.published_at).total_seconds(), 0.0)
        return hit.relevance * math.pow(0.5, age / half_life)

    best: dict[object, tuple[float, Hit]] = {}
    for hit in hits:
        key = hit.story_id if hit.story_id is not None else ("article", hit.article_id)
        value = score(hit)
        kept = best.get(key)
        if kept is None or (value, hit.article_id) > (kept[0], kept[1].article_id):
            best[key] = (value, hit)
    ordered = sorted(best.values(), key=lambda pair: (-pair[0], -pair[1].article_id))
    return [hit for _, hit in ordered[:limit]]


def since(now: datetime) -> datetime:
    """The oldest publication a search reaches."""
    return now - timedelta(days=SEARCH_DAYS)
