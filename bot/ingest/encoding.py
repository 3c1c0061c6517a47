"""Settle a feed's character encoding before feedparser sees it.

Publishers get this wrong in every direction: windows-1256 or iso-8859-6 Arabic
with no declaration at all, a UTF-8 body served with a windows-1256 header
(feedparser then garbles it without a warning), an XML declaration that
contradicts the HTTP header. We decide once, here, and hand feedparser UTF-8
bytes whose declaration and header agree:

1. a byte-order mark wins, or the way UTF-16 and UTF-32 without one spell `<?`;
2. bytes that are valid UTF-8 are UTF-8, whatever is declared (legacy
   single-byte Arabic practically never forms valid UTF-8 sequences);
3. otherwise every declared encoding and a few common legacy ones are tried,
   and the decoding that reads most like real text in one script per word wins
   (declared ones win ties).
"""

from __future__ import annotations

import codecs
import re
import unicodedata

_XML_DECL = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']", re.I)
_XML_DECL_TEXT = re.compile(r"^(\s*<\?xml[^>]*?encoding\s*=\s*[\"'])([A-Za-z0-9._:-]+)", re.I)
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.I)
# Legacy encodings seen in news feeds without a declaration, most likely first.
_UNDECLARED = ("windows-1256", "iso-8859-6", "windows-1252", "windows-1255", "windows-1251")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# UTF-32 and UTF-16 without a byte-order mark, told by how they spell "<?" (XML, appendix F).
_MARKERS = (
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<\x00?", "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"),
)
_SAMPLE = 64 * 1024  # enough text to judge an encoding by


def declared_encodings(body: bytes, headers: dict[str, str]) -> list[str]:
    """The encodings the XML declaration and the HTTP header name, in that order."""
    found = []
    match = _XML_DECL.match(body[:512])
    if match:
        found.append(match.group(1).decode("ascii"))
    header = _CHARSET.search(headers.get("content-type", ""))
    if header:
        found.append(header.group(1))
    return [name for name in found if _codec(name)]


def to_utf8(body: bytes, headers: dict[str, str]) -> tuple[bytes, dict[str, str], str]:
    """(UTF-8 body, headers saying so, the encoding the body was in)."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return _relabel(body[len(bom) :].decode(name, "replace"), headers, name)
    for marker, name in _MARKERS:  # NUL bytes are valid UTF-8: tell these apart first
        if body.startswith(marker):
            return _relabel(body.decode(name, "replace"), headers, name)
    declared = declared_encodings(body, headers)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if all(_codec(name) == "utf-8" for name in declared):
            return body, headers, "utf-8"  # the usual case: nothing to change
        return _relabel(text, headers, "utf-8")
    name = guess(body, declared)
    return _relabel(body.decode(name, "replace"), headers, name)


def guess(body: bytes, declared: list[str]) -> str:
    """The candidate encoding under which `body` reads most like text."""
    sample = body[:_SAMPLE]
    candidates = list(dict.fromkeys([*declared, *_UNDECLARED]))
    best, best_score = candidates[0], float("-inf")
    for rank, name in enumerate(candidates):
        try:
            text = sample.decode(name)
        except (UnicodeDecodeError, LookupError):
            try:  # a sample may end inside a multibyte character; judge it leniently
                text = sample.decode(name, "replace")
            except LookupError:
                continue
        bonus = 0.5 if name in declared else 0.0
        score = plausibility(text) + bonus - rank * 0.01
        if score > best_score:
            best, best_score = name, score
    return best


def plausibility(text: str) -> float:
    """How much `text` looks like words, per non-ASCII character (higher is better).

    Mis-decoded text mixes scripts inside a word (Arabic letters between Latin
    accents), turns letters into symbols and C1 controls, or, in Latin, is made
    almost entirely of accented letters.
    """
    good = bad = 0
    latin_plain = latin_accented = 0
    for word in re.findall(r"[^\W\d_]+", text):
        scripts = {_script(ch) for ch in word}
        non_ascii = sum(not ch.isascii() for ch in word)
        if not non_ascii:
            latin_plain += len(word)
            continue
        if len(scripts) == 1:
            good += non_ascii
            if "latin" in scripts:
                latin_accented += non_ascii
                latin_plain += len(word) - non_ascii
        else:
            bad += non_ascii
    for ch in text:
        if not ch.isascii() and not ch.isalpha() and ch not in "\xa0«»–—’‘“”…":
            category = unicodedata.category(ch)
            bad += 2 if category.startswith(("C", "S")) else 1
    if latin_accented and latin_accented > 0.35 * (latin_plain + latin_accented):
        bad += 2 * latin_accented  # mojibake: a "Latin" text made of accents
        good -= latin_accented
    total = good + bad
    return (good - bad) / total if total else 0.0


def _script(ch: str) -> str:
    code = ord(ch)
    if code < 0x250:
        return "latin"
    if 0x590 <= code < 0x600:
        return "hebrew"
    if 0x600 <= code < 0x700 or 0x750 <= code < 0x780 or 0xFB50 <= code < 0xFF00:
        return "arabic"
    if 0x400 <= code < 0x530:
        return "cyrillic"
    if 0x370 <= code < 0x400:
        return "greek"
    return unicodedata.name(ch, "other").split()[0].lower()


def _relabel(text: str, headers: dict[str, str], source: str) -> tuple[bytes, dict[str, str], str]:
    text = _XML_DECL_TEXT.sub(r"\g<1>utf-8", text, count=1)
    media = headers.get("content-type", "application/xml").split(";")[0].strip()
    relabelled = {**headers, "content-type": f"{media or 'application/xml'}; charset=utf-8"}
    return text.encode("utf-8"), relabelled, source


def _codec(name: str) -> str | None:
    try:
        return codecs.lookup(name).name.replace("_", "-")
    except LookupError:
        return None
