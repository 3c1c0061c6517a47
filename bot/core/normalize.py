"""One normalization for indexing, matching and search.

Arabic is written with optional diacritics, several alef/hamza forms, ta marbuta
or ha, alef maqsura or ya, tatweel for justification and three digit sets; Latin
text arrives with case and accents; scraped pages carry zero-width and bidi
marks. Every comparison of words goes through `normalize` so that a keyword, an
article and a reader's search meet in the same form: lowercase letters and
ASCII digits, words separated by one space.

Normalization is most of what classifying costs, so the usual case (Arabic and
Latin news text) runs in C: the text is encoded into a private one-byte
alphabet of the 256 characters such text is made of, folded with
`bytes.translate`, and decoded. Matching works on those bytes directly
(`normalize_bytes`): one byte per character, so offsets are character offsets.
Text with characters outside the alphabet (Cyrillic, CJK, emoji…) takes a
slower path with the same result.
"""

from __future__ import annotations

import codecs
import unicodedata

from bot.core import folding
from bot.core.invisible import INVISIBLE

# Arabic letters folded to one form: alef with hamza, madda or wasla to bare alef;
# alef maqsura and the Persian ya to ya; ta marbuta to ha; the Persian kaf to kaf;
# the Urdu/Persian ha forms to ha. (ؤ and ئ lose their hamza in decomposition.)
_ARABIC_LETTERS = {
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ى": "ي",
    "ی": "ي",
    "ې": "ي",
    "ک": "ك",
    "ة": "ه",
    "ۀ": "ه",
    "ە": "ه",
    "ھ": "ه",
    "ہ": "ه",
}
# Dropped before matching: every invisible character (invisible.py), ZWNJ too, and these.
_REMOVED = INVISIBLE | frozenset(
    "\u0640"  # tatweel
    "\u00ad"  # soft hyphen
    "\u061c"  # Arabic letter mark
    "\ufeff"  # byte-order mark / zero-width no-break space
    "\u034f"  # combining grapheme joiner
    + "".join(map(chr, range(0x200B, 0x2010)))  # zero-width space/joiners, LRM, RLM
    + "".join(map(chr, range(0x202A, 0x202F)))  # bidi embeddings and overrides
    + "".join(map(chr, range(0x2060, 0x2070)))  # word joiner, bidi isolates
    + "".join(map(chr, range(0xFE00, 0xFE10)))  # variation selectors
)


def _fold_char(ch: str) -> str:
    """The normalized form of one character: a string, a space, or nothing."""
    if ch in _REMOVED:
        return ""
    if ch in _ARABIC_LETTERS:
        return _ARABIC_LETTERS[ch]
    out = []
    # NFKC: presentation forms and ligatures (ﻷ → لأ), full-width Latin, superscripts.
    for c in unicodedata.normalize("NFKC", ch).casefold():
        if c in _REMOVED:
            continue
        # Decompose and drop the marks: Arabic diacritics, Latin accents, the hamza of ؤ/ئ.
        for d in unicodedata.normalize("NFKD", _ARABIC_LETTERS.get(c, c)):
            if unicodedata.category(d) == "Mn":
                continue
            d = _ARABIC_LETTERS.get(d, d)
            if d.isdigit():
                value = unicodedata.digit(d, None)
                d = " " if value is None else str(value)
            elif not d.isalnum():
                d = " "  # punctuation, symbols, controls, other spaces
            out.append(d)
    return "".join(out)


# --- the slow path: any character, one at a time (cached) ---------------------

_slow_cache: dict[str, str] = {}


def _normalize_slow(text: str) -> str:
    cache = _slow_cache
    parts = []
    for ch in text:
        folded = cache.get(ch)
        if folded is None:
            folded = _fold_char(ch)
            if len(cache) < 65536:
                cache[ch] = folded
        parts.append(folded)
    return " ".join("".join(parts).split())


# --- the fast path: a one-byte alphabet ---------------------------------------


def _alphabet() -> str:
    """256 characters, one per byte: those Arabic and Latin news text is made of."""
    table = ["\ufffe"] * 256
    table[0] = "\x00"  # codecs builds a fast encoding map only when byte 0 is U+0000
    for code in (*range(0x09, 0x0E), *range(0x20, 0x80)):  # ASCII whitespace and printables
        table[code] = chr(code)
    others = [
        *"،؛؟٪٫٬٭۔",
        *map(chr, range(0x0621, 0x063B)),  # ء … غ
        *map(chr, range(0x0640, 0x0660)),  # tatweel, ف … ي, diacritics
        *map(chr, range(0x0660, 0x066A)),  # Arabic-Indic digits
        *map(chr, range(0x06F0, 0x06FA)),  # Persian digits
        *"\u0670ٱپچژکگی",
        *"\u00a0\u00ab\u00bb\u00ad\u00b7\u00b0\ufeff\u2060\u2066\u2067\u2068\u2069",
        *map(chr, range(0x2010, 0x202F)),  # dashes, quotes, bullets, bidi and zero-width marks
    ]
    free = [c for c in range(1, 256) if table[c] == "\ufffe"]
    # The remaining slots take accented Latin letters (é, ü, ç…), which fold to ASCII.
    others += [
        ch
        for ch in map(chr, range(0xC0, 0x250))
        if len(_fold_char(ch)) == 1 and _fold_char(ch).isascii() and _fold_char(ch).isalpha()
    ][: len(free) - len(others)]
    for code, ch in zip(free, others, strict=True):
        table[code] = ch
    return "".join(table)


_DECODING = _alphabet()
_ENCODING = codecs.charmap_build(_DECODING)
_CODE = {ch: code for code, ch in enumerate(_DECODING)}
_OTHER = 0x00  # stands for a letter outside the alphabet in normalized bytes (NUL never does)


def _fold_table() -> tuple[bytes, bytes]:
    translate, delete = bytearray(range(256)), bytearray()
    for code, ch in enumerate(_DECODING):
        folded = _fold_char(ch)
        if folded == "":
            delete.append(code)
        elif folded.strip() == "":
            translate[code] = 0x20
        else:
            translate[code] = _CODE[folded]  # one character of the alphabet, checked here
    return bytes(translate), bytes(delete)


_TRANSLATE, _DELETE = _fold_table()


def _folding_table() -> tuple[bytes, int]:
    """Per code point up to the alphabet's last: the byte `normalize_bytes` folds it to,
    a `removed` marker, or folding.OUTSIDE; with the marker (a byte no character folds
    to). For folding.fold_padded."""
    codes = {ord(ch): codecs.charmap_encode(ch, "strict", _ENCODING)[0][0] for ch in _DECODING}
    produced = {_TRANSLATE[code] for code in range(256) if code not in _DELETE}
    removed = min(set(range(1, 256)) - produced - {folding.SPACE})
    assert folding.OUTSIDE not in produced
    table = bytearray([folding.OUTSIDE]) * (max(codes) + 1)
    for point, code in codes.items():
        table[point] = removed if code in _DELETE else _TRANSLATE[code]
    return bytes(table), removed


# folding.fold_padded's table and mark; public for a compiled caller that folds as
# `normalize_padded` does, calling it in C rather than this module's Python function
# (bot.core.story_features).
FOLDING_TABLE, REMOVED_MARK = _folding_table()


class _OutsideAlphabet(Exception):
    pass


def _fold_error(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: fold characters outside the alphabet, if they fold into it."""
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    folded = "".join(_fold_char(ch) for ch in exc.object[exc.start : exc.end])
    if any(ch not in _CODE for ch in folded):
        raise _OutsideAlphabet
    return folded, exc.end


def _other_letter(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    return _DECODING[_OTHER] * (exc.end - exc.start), exc.end


codecs.register_error("mujaz.fold", _fold_error)
codecs.register_error("mujaz.other", _other_letter)


def normalize_bytes(text: str) -> bytes:
    """`normalize(text)` in the matching alphabet: one byte per character of the result.

    A letter outside the alphabet (Cyrillic, CJK…) becomes one placeholder byte that no
    keyword contains, so offsets still line up with `normalize(text)`.
    """
    try:
        data = codecs.charmap_encode(text, "mujaz.fold", _ENCODING)[0]
    except _OutsideAlphabet:
        return codecs.charmap_encode(_normalize_slow(text), "mujaz.other", _ENCODING)[0]
    data = data.translate(_TRANSLATE, _DELETE)
    while b"  " in data:
        data = data.replace(b"  ", b" ")
    return data.strip(b" ")


def normalize_padded(text: str) -> bytes:
    """`normalize_bytes(text)` with one space at each end: what matching scans. Compiled
    (bot.core.folding), one pass over the text; else, or for a character outside the
    alphabet, the same result the general way."""
    if folding.COMPILED:
        data = folding.fold_padded(text, FOLDING_TABLE, REMOVED_MARK)
        if data is not None:
            return data
    return b" " + normalize_bytes(text) + b" "


def normalize(text: str) -> str:
    """Return `text` folded to the form keywords are matched in: words separated by one space."""
    try:
        data = codecs.charmap_encode(text, "mujaz.fold", _ENCODING)[0]
    except _OutsideAlphabet:
        return _normalize_slow(text)
    data = data.translate(_TRANSLATE, _DELETE)
    while b"  " in data:
        data = data.replace(b"  ", b" ")
    return codecs.charmap_decode(data.strip(b" "), "strict", _DECODING)[0]


def encode_normalized(text: str) -> bytes | None:
    """Normalized text in the matching alphabet, or None if it has letters outside it."""
    try:
        return codecs.charmap_encode(text, "strict", _ENCODING)[0]
    except UnicodeEncodeError:
        return None


def decode_normalized(data: bytes) -> str:
    """The text of bytes from `normalize_bytes` (placeholders shown as U+FFFD)."""
    return codecs.charmap_decode(data, "strict", _DECODING)[0].replace(_DECODING[_OTHER], "\ufffd")
