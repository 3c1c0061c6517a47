"""What story filing compares: an article's headline and lead as features that survive rewording.

- entities: who and what it names, one id across scripts and epithets
  (bot.core.entities), headline mentions counted twice;
- countries: the countries those entities belong to (an article naming only other
  countries than a story is another event);
- words: the normalized words of three letters or more, headline counted twice, each
  without a proclitic that ends in the article (bot.core.morphology: وبالنفط، النفط،
  للنفط → نفط), so clitics and the spellings normalization folds (hamza, ة/ه, ى/ي,
  diacritics) do not hide a shared word. Compared only between articles in the same
  script. (Character 4-grams measured no better on the development set, at ten times
  the cost.);
- numbers: 5.4, 28.5, 4800, 400000 («400 ألف» and "400,000" alike), whatever the
  digits; years and lone digits are too common to count.
"""

from __future__ import annotations

import re
from collections import (  # type: ignore[attr-defined]
    Counter,
    _count_elements,  # Counter.update's loop, in C
)
from dataclasses import dataclass
from datetime import datetime

from bot.core.entities import Entities
from bot.core.morphology import proclitics
from bot.core.normalize import decode_normalized, normalize, normalize_bytes

TITLE_WEIGHT = 2
# The proclitics that end in the article (ال، وال، بال، لل…): a word that has one is a noun
# that also appears without it, while a bare و or ب may be the word's own first letter.
_PROCLITICS = sorted(
    {normalize(p) for p in proclitics() if p.endswith(("ال", "لل"))}, key=len, reverse=True
)
_CACHE_SIZE = 200_000
_OTHER = b"\x00"  # a letter outside the matching alphabet, in normalized bytes
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_DIGIT = re.compile(r"[0-9٠-٩۰-۹]")
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫", "01234567890123456789.")
_EASTERN = re.compile("[٠-٩۰-۹٫]")  # what _DIGITS translates
_GROUPED = re.compile(r"\d{1,3}(,\d{3})+")
_NONE: frozenset[str] = frozenset()
_NUMBER = re.compile(
    r"(\d+(?:[.,]\d+)*)\s*(ألف|آلاف|الف|مليون|ملايين|مليار|thousand|million|billion)?"
)
_SCALE = {"ألف": 1e3, "آلاف": 1e3, "الف": 1e3, "thousand": 1e3, "مليون": 1e6, "ملايين": 1e6,
          "million": 1e6, "مليار": 1e9, "billion": 1e9}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Features:
    script: str  # "ar" or "latin"
    entities: Counter[int]  # entity number -> mentions (headline twice), first mention first
    countries: frozenset[str]
    words: Counter[str]
    numbers: frozenset[str]


def features(title: str, lead: str, entities: Entities) -> Features:
    # Each text is normalized once, for the entities and the words alike. Only what a
    # comparison reads is built: the mentions themselves (`Entities.find`) are found again
    # when an explanation needs them.
    title_bytes = normalize_bytes(title) if title else b""
    lead_bytes = normalize_bytes(lead) if lead else b""
    in_title, in_lead = entities.find_numbers(title, title_bytes, lead, lead_bytes)
    counts: Counter[int] = Counter()
    for _ in range(TITLE_WEIGHT):  # counted in C, in the order of the mentions
        _count_elements(counts, in_title)
    _count_elements(counts, in_lead)
    countries = frozenset(filter(None, map(entities.countries.__getitem__, counts)))
    found = _words(lead, lead_bytes)
    title_words = dict.fromkeys(map(_BARE.__getitem__, _folded(title, title_bytes).split()))
    title_words.pop(None, None)  # the short words
    for _ in range(TITLE_WEIGHT):  # each of the headline's words, once (as lead words, in C)
        _count_elements(found, title_words)
    return Features(
        script(title or lead),
        counts,
        countries,
        found,
        numbers(f"{title}\n{lead}") if _DIGIT.search(title) or _DIGIT.search(lead) else _NONE,
    )


def script(text: str) -> str:
    """ "ar" when at least a third of the letters are Arabic, else "latin"."""
    sample = text[:200]
    # U+0600..U+06FF are the two-byte UTF-8 sequences led by D8..DB: counted in C
    lead = sample.encode("utf-8", "surrogatepass")
    arabic = lead.count(b"\xd8") + lead.count(b"\xd9") + lead.count(b"\xda") + lead.count(b"\xdb")
    return "ar" if arabic * 3 > len(sample) - sample.count(" ") else "latin"


def words(text: str) -> Counter[str]:
    """The words of three letters or more, normalized, without their proclitics."""
    return _words(text, normalize_bytes(text))


class _Bare(dict[str, str | None]):
    """word -> the word without its proclitic, or None for a word under three letters:
    news repeats its words, so most are looked up, in C, and few computed."""

    def __missing__(self, word: str) -> str | None:
        if len(self) >= _CACHE_SIZE:
            self.clear()
        stripped = self[word] = _strip(word) if len(word) >= 3 else None
        return stripped


_BARE = _Bare()


def _words(text: str, normalized: bytes) -> Counter[str]:
    """`words(text)`, given its `normalize_bytes`."""
    found: Counter[str | None] = Counter()
    _count_elements(found, map(_BARE.__getitem__, _folded(text, normalized).split()))
    found.pop(None, None)  # the short words
    return found  # type: ignore[return-value]


def _folded(text: str, normalized: bytes) -> str:
    """The normalized text as letters: decoded, unless a letter outside the matching
    alphabet stands as a placeholder byte there; then normalized as text."""
    return normalize(text) if _OTHER in normalized else decode_normalized(normalized)


def _strip(word: str) -> str:
    """وبالنفط → نفط، الوزير → وزير (as وزير is), if three letters remain (الأمن → امن)."""
    for proclitic in _PROCLITICS:
        if word.startswith(proclitic) and len(word) - len(proclitic) >= 3:
            return word[len(proclitic) :]
    return word


def numbers(text: str) -> frozenset[str]:
    """The numbers a text states, in one notation; years and single digits left out."""
    if not _DIGIT.search(text):
        return _NONE
    if _EASTERN.search(text):  # (str.translate is slow on Arabic text: only when it matters)
        text = text.translate(_DIGITS)
    found: set[str] = set()
    for match in _NUMBER.finditer(text):
        raw, scale = match.groups()
        if _GROUPED.fullmatch(raw):
            raw = raw.replace(",", "")
        raw = raw.replace(",", ".")
        try:
            value = float(raw)
        except ValueError:
            continue
        if scale:
            value *= _SCALE[scale]
        if (value < 10 and value == int(value)) or (1900 <= value <= 2100 and not scale):
            continue
        found.add(f"{value:g}")
    return frozenset(found)


def hours(moment: datetime) -> float:
    return moment.timestamp() / 3600
