"""Which language an item is written in, and which languages a reader reads.

`detect(title, text)` names an item's language (ISO 639-1) at ingestion. Script
decides first, because it is certain and free: text mostly in Arabic letters is
Arabic unless it carries letters Arabic does not use (Persian پ چ ژ گ, Urdu ٹ ڈ ں ے…),
and only then does the model choose among the languages written in that script.
Other text goes to py3langid's model (it ships in the wheel), restricted to the
languages news feeds are written in. A short Latin headline gives the model little
to go on ("Oil prices rise" scores French): plain-ASCII text under `SHORT_LETTERS`
letters is English unless another language wins clearly. Text without letters is
`UNDETERMINED`, which, like an article stored before detection (NULL), reads as Arabic.

The model takes about a second to load and is loaded on first use only; ingestion
calls `detect` from its worker thread, so the bot's event loop never waits for it.

A reader's languages (/languages) default to their interface language plus Arabic:
{ar} for an Arabic reader, {ar, en} for an English one.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from babel import Locale

from bot.core.normalize import normalize
from bot.errors import BadLanguages

ARABIC = "ar"
UNDETERMINED = "und"  # no letters to judge by: treated as Arabic, like a NULL

# The languages an item may be found in and a reader may choose; ISO 639-1.
NEWS_LANGUAGES = (
    "ar", "en", "fr", "de", "es", "it", "pt", "nl", "tr", "az", "ru", "uk", "he", "fa", "ur",
    "ps", "ku", "hi", "bn", "zh", "ja", "ko", "el", "pl", "ro", "sv", "no", "da", "fi", "cs",
    "hu", "id", "ms", "sw", "hy", "ka", "bg", "sr", "hr", "bs", "sq", "mk", "sl", "sk", "kk",
    "uz", "ky", "tg", "am", "so", "ha", "ta", "vi", "th",
)  # fmt: skip
# Model labels that are a dialect or variant of a language above.
_ALIASES = {
    "arz": "ar",
    "ary": "ar",
    "sdh": "ku",
    "nn": "no",
    "uzs": "uz",
    "yue": "zh",
    "wuu": "zh",
}
# Languages written in Arabic letters, among which the model chooses for such text.
_ARABIC_SCRIPT = frozenset({"ar", "fa", "ur", "ps", "ku", "ug", "arz", "ary", "sdh"})
# Letters of Persian, Urdu, Pashto and Kurdish that Arabic does not use.
_NOT_ARABIC = re.compile("[پچژگکیۀٹڈڑںےہھۓڵڕۆێەښځڅډړږ]")
SAMPLE_CHARS = 600  # of the text, after the title: enough to judge, cheap to score
TITLE_WEIGHT = 2  # a headline's letters count double: it is what a reader sees first
SHORT_LETTERS = 40
ENGLISH_MARGIN = 8.0  # log-likelihood by which another language must beat English on short text

# Letters are counted on UTF-8 bytes, in C, since this runs on every article: each
# character of the Arabic block (U+0600–U+06FF) starts with a byte 0xD8–0xDB; a Latin
# letter is A–Z, a–z, or starts with 0xC3–0xC9 (À–ɏ); other scripts' letters start with
# 0xCD–0xDF or 0xE0–0xEF (not 0xE2: punctuation and symbols). Close enough to weigh
# scripts: Arabic-Indic digits and diacritics count as Arabic.
_ARABIC_BYTES = bytes(range(0xD8, 0xDC))
_OTHER_BYTES = bytes(
    [*b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", *range(0xC3, 0xCA),
     *range(0xCD, 0xD8), *range(0xDC, 0xE0), 0xE0, 0xE1, *range(0xE3, 0xF0)]
)  # fmt: skip
_BUT_ARABIC = bytes(b for b in range(256) if b not in _ARABIC_BYTES)
_BUT_OTHER = bytes(b for b in range(256) if b not in _OTHER_BYTES)
_lock = threading.Lock()
_model: Any = None


def detect(title: str, text: str = "") -> str:
    """The language of an item, as an ISO 639-1 code (UNDETERMINED without letters)."""
    body = text[:SAMPLE_CHARS]
    title_arabic, title_other = _letters(title)
    body_arabic, body_other = _letters(body)
    arabic = TITLE_WEIGHT * title_arabic + body_arabic
    other = TITLE_WEIGHT * title_other + body_other
    if not arabic and not other:
        return UNDETERMINED
    sample = f"{title}\n{body}"
    if arabic >= other:
        if not _NOT_ARABIC.search(sample):
            return ARABIC
        return _best(sample, _ARABIC_SCRIPT) or ARABIC
    allowed = {*NEWS_LANGUAGES, *_ALIASES} - _ARABIC_SCRIPT
    if title_other + body_other < SHORT_LETTERS and sample.isascii():
        return _short_latin(sample, allowed)
    return _best(sample, allowed) or UNDETERMINED


def _letters(text: str) -> tuple[int, int]:
    """(letters in Arabic script, other letters) of `text`, as the byte tables above count."""
    data = text.encode("utf-8", "surrogatepass")
    return len(data.translate(None, _BUT_ARABIC)), len(data.translate(None, _BUT_OTHER))


def _best(sample: str, allowed: Iterable[str]) -> str | None:
    """The model's most likely language among `allowed`, aliases folded."""
    allowed = set(allowed)
    for label, _score in _rank(sample):
        if label in allowed:
            return _ALIASES.get(label, label)
    return None


def _short_latin(sample: str, allowed: set[str]) -> str:
    scores = {label: score for label, score in _rank(sample) if label in allowed}
    best = max(scores, key=scores.__getitem__)
    if scores[best] - scores.get("en", float("-inf")) > ENGLISH_MARGIN:
        return _ALIASES.get(best, best)
    return "en"


def _rank(sample: str) -> list[tuple[str, float]]:
    return list(_identifier().rank(sample))


def _identifier() -> Any:
    """py3langid's model, loaded once, on first use (about a second)."""
    global _model
    with _lock:
        if _model is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            _model = LanguageIdentifier.from_model_file(MODEL_FILE)
        return _model


@dataclass(frozen=True)
class Majority:
    """A feed's language: the most common among its items, and how many items had it."""

    language: str
    count: int
    total: int

    @property
    def arabic(self) -> bool:
        return is_arabic(self.language)


def majority(languages: Iterable[str | None]) -> Majority | None:
    """The most common language; a tie goes to Arabic. None for no items."""
    counts = Counter(effective(code) for code in languages)
    if not counts:
        return None
    top = max(counts.values())
    language = ARABIC if counts[ARABIC] == top else counts.most_common(1)[0][0]
    return Majority(language, counts[language], sum(counts.values()))


def effective(code: str | None) -> str:
    """An article's language as selection sees it: unknown (NULL, UNDETERMINED) is Arabic."""
    return ARABIC if code is None or code == UNDETERMINED else code


def is_arabic(code: str | None) -> bool:
    return effective(code) == ARABIC


# --- a reader's languages ---------------------------------------------------------------


def default_languages(interface: str) -> frozenset[str]:
    """What a chat reads until it chooses: Arabic, plus its interface language."""
    return frozenset({ARABIC, interface})


def reader_languages(interface: str, chosen: frozenset[str] | None) -> frozenset[str]:
    return chosen or default_languages(interface)


def preferred(interface: str, languages: frozenset[str]) -> str:
    """The language a story's lead is best in: the reader's own, else Arabic if read."""
    if interface in languages:
        return interface
    return ARABIC if ARABIC in languages else min(languages)


_FILLERS = frozenset({"and", "و"})  # "arabic and english", "العربية و الإنجليزية"


def parse_languages(words: Iterable[str]) -> frozenset[str]:
    """Languages by code or name, Arabic or English ("ar en", "عربي إنجليزي", "French").

    BadLanguages names the first word that is none; nothing but fillers ("and") is
    BadLanguages too: a reader reads at least one language.
    """
    names = _names()
    chosen: set[str] = set()
    given = " ".join(words)
    for word in normalize(given).split():
        if word in _FILLERS:
            continue
        code = names.get(word)
        if code is None and word.startswith("و"):  # "والإنجليزية"
            code = names.get(word[1:])
        if code is None:
            raise BadLanguages(given=word)
        chosen.add(code)
    if not chosen:
        raise BadLanguages(given=given)
    return frozenset(chosen)


def language_name(code: str, interface: str) -> str:
    """The language's name in the reader's language (Babel's CLDR names), or its code."""
    return str(Locale.parse(interface).languages.get(code) or code)


def sorted_languages(languages: Iterable[str]) -> tuple[str, ...]:
    """Arabic first, then the others by code: one order for storage, keys and replies."""
    return tuple(sorted(set(languages), key=lambda code: (code != ARABIC, code)))


@cache
def _names() -> dict[str, str]:
    """Normalized code, English and Arabic names, and Arabic adjective forms -> code."""
    english, arabic = Locale("en").languages, Locale("ar").languages
    names: dict[str, str] = {}
    for code in NEWS_LANGUAGES:
        forms = {code, english.get(code, code)}
        name = arabic.get(code)
        if name:
            forms.add(name)
            bare = normalize(name).removeprefix("ال")  # الإنجليزية -> انجليزيه
            forms |= {bare, bare.removesuffix("ه")}  # -> انجليزي (the adjective)
        for form in forms:
            key = normalize(form)
            if key and " " not in key:
                names.setdefault(key, code)
    return names
