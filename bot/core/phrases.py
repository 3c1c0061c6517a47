"""Readers' own keywords: checking a phrase, and matching many readers' phrases at once.

A reader may follow a word or phrase of their own (كورسك, "Zangezur"). It is
matched like a catalog keyword — same normalization, Arabic proclitics in front
(وكورسك، بكورسك), derivation endings when the phrase ends with `*` or its last
word has at least DERIVE_FROM letters (لبنان → اللبنانيين, Iran → Iranians), a
leading ال needs the article — but matching is overlapping: one reader's
«قره باغ» never hides another reader's «باغ».

    check = check_phrase(raw)               # pure: ok, or a reason code for the reply
    matcher = PhraseMatcher([(phrase_id, check.phrase), ...])   # every reader at once
    matcher.match(title, text)              # -> {phrase_id, ...}
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Generic, Literal, NamedTuple, TypeVar

from bot.core.invisible import strip_invisible
from bot.core.matcher import Matcher
from bot.core.morphology import Form, SpellingError, compile_form
from bot.core.normalize import encode_normalized, normalize, normalize_bytes

K = TypeVar("K", bound=Hashable)

MAX_PHRASE_LENGTH = 50  # characters as typed
MAX_PHRASE_WORDS = 4
MIN_PHRASE_LETTERS = 2
MAX_PHRASES = 20  # per reader: the count limit callers are expected to enforce
DERIVE_FROM = 4  # letters in the last word from which derivation endings are allowed

Reason = Literal[
    "empty",  # nothing but spaces
    "too_long",  # over MAX_PHRASE_LENGTH characters
    "too_many_words",  # over MAX_PHRASE_WORDS words
    "no_letters",  # digits, punctuation or emoji only
    "too_short",  # fewer than MIN_PHRASE_LETTERS letters
    "unsupported_letters",  # letters of a script the matcher does not read (Cyrillic…)
    "only_stop_words",  # في، من، the, of…: would match every article
]

_QUOTES = "\"'«»“”„‘’`"
_TAG = re.compile(r"</?[A-Za-z][^<>]{0,200}>")  # an HTML tag as someone might paste one
_STOP_WORDS = frozenset(
    normalize(w)
    for w in (
        # Arabic particles, pronouns, demonstratives and news filler
        "في من على إلى الى عن مع أن إن ان كان كانت يكون هذا هذه ذلك تلك هنا هناك التي الذي "
        "الذين اللذين ما ماذا لا لم لن قد ثم أو او بل لكن و ف ب ل ك هو هي هم هما نحن أنا انت "
        "أنت كل بعض غير بين حتى عند منذ خلال بعد قبل حول ضد لدى أيضا ايضا أي كيف متى أين لماذا "
        "يا اليوم أمس غدا الآن جدا فقط عبر وفق نحو قال قالت خبر أخبار الأخبار عاجل جديد العالم "
        # English
        "the a an and or of in on at to for from by with is are was were be been being it its "
        "this that these those as not no but if then than so do does did has have had will would "
        "can could should may might about into over after before up down out he she they we you "
        "i my our your his her their them who what which when where why how all any some more "
        "most very just also news breaking new today world"
    ).split()
)


@dataclass(frozen=True)
class PhraseCheck:
    """The verdict on a phrase a reader typed."""

    ok: bool
    reason: Reason | None  # why not, for the caller to pick a reply; None when ok
    phrase: str  # cleaned as the reader wrote it (quotes, extra spaces gone): store this
    key: str  # normalized (with a trailing * if given): two phrases with one key are one

    def __bool__(self) -> bool:
        return self.ok


def check_phrase(text: str) -> PhraseCheck:
    """Check a phrase a reader wants to follow; pure, no limits on how many they have."""
    # Bidi controls and zero-width characters are invisible in a reply and in /follow's list:
    # a phrase keeps only what a reader can see (ZWNJ stays, Persian spells with it).
    # Markup is no part of a word: "<b>كورسك</b>" follows كورسك, never the letter b.
    phrase = " ".join(_TAG.sub(" ", strip_invisible(text)).strip().strip(_QUOTES).split())
    star = phrase.endswith("*")
    normalized = normalize(phrase.rstrip("*"))
    key = normalized + ("*" if star and normalized else "")

    def verdict(reason: Reason | None) -> PhraseCheck:
        return PhraseCheck(reason is None, reason, phrase, key)

    if not phrase:
        return verdict("empty")
    if len(phrase) > MAX_PHRASE_LENGTH:
        return verdict("too_long")
    words = normalized.split()
    if len(words) > MAX_PHRASE_WORDS:
        return verdict("too_many_words")
    letters = sum(ch.isalpha() for ch in normalized)
    if letters == 0:
        return verdict("no_letters")
    if letters < MIN_PHRASE_LETTERS:
        return verdict("too_short")
    if encode_normalized(normalized) is None:
        return verdict("unsupported_letters")
    if all(word in _STOP_WORDS for word in words):
        return verdict("only_stop_words")
    return verdict(None)


def compile_phrase(phrase: str) -> Form:
    """The matching form of a checked phrase (raises SpellingError for one that fails the check)."""
    check = check_phrase(phrase)
    if not check.ok:
        raise SpellingError(f"{phrase!r}: {check.reason}")
    last = check.key.rstrip("*").split()[-1]
    derivable = check.key.endswith("*") or sum(ch.isalpha() for ch in last) >= DERIVE_FROM
    return compile_form(check.phrase.rstrip("*"), derivable=derivable)


class PhraseMatch(NamedTuple):
    in_title: bool  # at least one match in the title
    times: int  # matches in title and text


class PhraseMatcher(Generic[K]):
    """Many readers' phrases in one automaton; says which phrase ids occur in an article.

    Build it from (id, phrase) pairs — ids are yours (a row id, or (chat, phrase)); one
    phrase may carry many ids. Phrases that fail `check_phrase` are left out and listed
    in `rejected`, so one bad stored row cannot stop a digest. Building costs about as
    much as classifying a few articles per thousand phrases: rebuild it when phrases
    change, or build one per reader.
    """

    def __init__(self, phrases: Iterable[tuple[K, str]]) -> None:
        items: list[tuple[Form, K]] = []
        self.rejected: list[tuple[K, str]] = []
        for phrase_id, phrase in phrases:
            try:
                items.append((compile_phrase(phrase), phrase_id))
            except SpellingError:
                self.rejected.append((phrase_id, phrase))
        self._matcher: Matcher[K] = Matcher(items, overlapping=True)
        self._size = len(items)

    def __len__(self) -> int:
        return self._size

    def match(self, title: str, text: str) -> set[K]:
        """The ids of the phrases that occur in the article."""
        return set(self.matches(title, text))

    def matches(self, title: str, text: str) -> dict[K, PhraseMatch]:
        """Per phrase id that occurs: whether it is in the title, and how often it occurs."""
        return self.matches_normalized(
            b" " + normalize_bytes(title) + b" ", b" " + normalize_bytes(text) + b" "
        )

    def matches_normalized(self, title: bytes, text: bytes) -> dict[K, PhraseMatch]:
        """As `matches`, for title and text already through `normalize_bytes` and padded
        with a space at each end (normalize once, match the catalog and phrases both)."""
        found: dict[K, PhraseMatch] = {}
        for in_title, part in ((True, title), (False, text)):
            for phrase_id, _, _ in self._matcher.scan(part):
                seen = found.get(phrase_id)
                if seen is None:
                    found[phrase_id] = PhraseMatch(in_title, 1)
                else:
                    found[phrase_id] = PhraseMatch(seen.in_title or in_title, seen.times + 1)
        return found
