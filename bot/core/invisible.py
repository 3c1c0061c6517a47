"""Characters that steer or hide text without being seen, removed from what feeds and readers send.

Bidi controls reorder what follows them: a title with U+202E (RLO) reads backwards
and can dress one name up as another. Zero-width characters split a word without
showing it: «أذربيجان» with a U+200B inside is no longer the word a keyword or a
reader looks for. Both are stripped at ingestion (titles, summaries, texts, source
names) and at input (the phrases a reader follows), as are control characters,
which are never text. Normalization drops them too, so matching sees through any
that reach it another way.

ZWNJ (U+200C) stays: Persian and Kurdish spell words with it (می‌خواهم). The
right-to-left marks our own messages carry are added when rendering, after this.
"""

from __future__ import annotations

import re


def _chars(low: int, high: int) -> str:
    return "".join(map(chr, range(low, high + 1)))


BIDI_CONTROLS = (
    "\u061c"  # Arabic letter mark
    "\u200e\u200f"  # left-to-right and right-to-left marks
    + _chars(0x202A, 0x202E)  # embeddings, overrides and their pop (RLO is U+202E)
    + _chars(0x2066, 0x2069)  # isolates
)
ZERO_WIDTH = (
    "\u180e"  # Mongolian vowel separator
    "\u200b"  # zero-width space
    "\u200d"  # zero-width joiner
    "\ufeff"  # zero-width no-break space (a byte-order mark inside text)
    + _chars(0x2060, 0x2064)  # word joiner, invisible operators
    + _chars(0x206A, 0x206F)  # deprecated format controls
    + "\U000e0001"
    + _chars(0xE0020, 0xE007F)  # tag characters: invisible ASCII
)
ZWNJ = "\u200c"
CONTROLS = _chars(0x00, 0x08) + _chars(0x0E, 0x1F) + "\x7f"  # C0 controls but whitespace, DEL
INVISIBLE = frozenset(BIDI_CONTROLS + ZERO_WIDTH)


def _character_class(chars: str) -> str:
    """A regex class of `chars` as ranges (a class of single characters is slower to search)."""
    codes = sorted(set(map(ord, chars)))
    ranges: list[list[int]] = []
    for code in codes:
        if ranges and code == ranges[-1][1] + 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return "[" + "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges) + "]"


_STRIPPED = re.compile(_character_class(BIDI_CONTROLS + ZERO_WIDTH + CONTROLS) + "+")


def strip_invisible(text: str) -> str:
    """`text` without bidi controls, zero-width characters (ZWNJ kept) and control characters."""
    return _STRIPPED.sub("", text)
