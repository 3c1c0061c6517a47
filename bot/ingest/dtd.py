"""Refuse, before parsing, a document whose DTD declares entities that expand into others.

Entity declarations are how entity bombs are built. A chain of entities, each
naming the next, 50,000 deep, overflows the stack of expat before 2.7.0
(CVE-2024-8176) and kills the process parsing it; a tree of them (billion
laughs) multiplies a few bytes a millionfold. feedparser strips the
declarations it finds before the first element, but a comment holding `<x`
hides them from it, and expat then reads them all. A news feed never needs an
entity that refers to another, so its DTD is read here first, as cheaply as
possible, and such a feed is refused with the reason.

What stays readable: flat entities (`<!ENTITY nbsp "&#160;">`, `<!ENTITY id
"tag:x,">`) and external declarations (`<!ENTITY % HTMLlat1 PUBLIC …>
%HTMLlat1;`), which expat is never allowed to load.

Only the prolog is read: the declarations and comments before the root element,
within the body's first 64 KB. parse.py hands it UTF-8 (encoding.py settled it)
and makes feedparser read that same UTF-8, so the bytes read as ASCII-compatible
text are what expat reads; when NUL bytes are present they are also read as
UTF-16 and UTF-32, which feedparser recognizes without a byte-order mark.
Whatever the scan cannot follow inside a DOCTYPE is refused, not guessed at.
"""

from __future__ import annotations

import re

WINDOW = 64 * 1024  # bytes of the body searched for the prolog and its DTD
_WIDE_CODECS = ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
_BOMS = ("\ufeff", "\xef\xbb\xbf")  # as decoded text, and UTF-8's as Latin-1

CHAIN = "its DTD declares an entity that refers to other entities, the shape of an entity bomb"
PARAMETER = "its DTD declares a parameter entity with a value, which can build declarations"
HIDDEN = "its DTD holds entity declarations inside comments or values"
TOO_LONG = f"its DTD or the comments before its first element run past {WINDOW // 1024} KB"
UNREADABLE = "its DTD is malformed, and a parser could read it more than one way"
_END = "the text ends inside the DTD"  # TOO_LONG when the window cut the body, else UNREADABLE

_SPACE = re.compile(r"[ \t\r\n]*")
_SUBSET_TOKEN = re.compile(r"""[ \t\r\n]*(\]|<!--|<\?|<!ENTITY|<!|%)""")
_DECL_STOP = re.compile(r"""["'>]""")  # inside a declaration: a literal or its end
_DOCTYPE_STOP = re.compile(r"""["'\[>]""")
_ENTITY_HEAD = re.compile(r"""<!ENTITY[ \t\r\n]+(%[ \t\r\n]+)?[^ \t\r\n"'<>%&;]+[ \t\r\n]+""")
_PE_REFERENCE = re.compile(r"""%[^ \t\r\n"'<>%&;]+;""")
# An ampersand in a value: a character reference is the only kind that stays flat.
_AMPERSAND = re.compile(r"&(?:#([0-9]+);|#x([0-9A-Fa-f]+);)?")
# Anywhere in the subset, an entity reference other than the five predefined ones.
_REFERENCE = re.compile(r"&(?!(?:amp|lt|gt|quot|apos);|#[0-9]+;|#x[0-9A-Fa-f]+;)")
_BUILDERS = frozenset((ord("&"), ord("%")))  # characters that make a reference once expanded


def dtd_problem(body: bytes) -> str | None:
    """Why the body's internal DTD is refused, or None when it is harmless or absent."""
    window = body[:WINDOW]
    truncated = len(body) > WINDOW
    for text in _views(window):
        problem = _prolog_problem(text, truncated)
        if problem == _END:
            return TOO_LONG if truncated else UNREADABLE
        if problem:
            return problem
    return None


def _views(window: bytes) -> list[str]:
    """The window as text, once per way of reading it that a parser might choose."""
    views = [window.decode("latin-1")]  # every ASCII-compatible encoding agrees on markup
    if b"\0" in window:  # only UTF-16 and UTF-32 spell markup with NUL bytes
        views += [window.decode(codec, "replace") for codec in _WIDE_CODECS]
    return views


def _prolog_problem(text: str, truncated: bool) -> str | None:
    """Walk the prolog (declaration, comments, instructions) to a DOCTYPE, if there is one."""
    pos = 0
    while text.startswith(_BOMS, pos):  # feedparser drops one; expat may take another
        pos += len(next(bom for bom in _BOMS if text.startswith(bom, pos)))
    while True:
        pos = _after_space(text, pos)
        if pos >= len(text):
            return TOO_LONG if truncated else None
        for opener, closer in (("<?", "?>"), ("<!--", "-->")):
            if text.startswith(opener, pos):
                end = text.find(closer, pos + len(opener))
                if end < 0:  # runs past the window, or to the end: expat reads no DTD
                    return TOO_LONG if truncated else None
                pos = end + len(closer)
                break
        else:
            if text[pos : pos + 9].upper() == "<!DOCTYPE":
                return _doctype_problem(text, pos + 9)
            # The root element, or text before it, which ends what expat reads as a prolog.
            return None


def _doctype_problem(text: str, pos: int) -> str | None:
    """The DOCTYPE's name and external id, then its internal subset if it has one."""
    while True:
        stop = _DOCTYPE_STOP.search(text, pos)
        if stop is None:
            return _END
        mark = stop.group()
        if mark == ">":
            return None  # no internal subset: nothing is declared here
        if mark == "[":
            return _subset_problem(text, stop.end())
        end = text.find(mark, stop.end())
        if end < 0:
            return _END
        pos = end + 1


def _subset_problem(text: str, start: int) -> str | None:
    """Read the internal subset declaration by declaration; refuse what can build a chain."""
    pos, declared = start, 0
    while True:
        token = _SUBSET_TOKEN.match(text, pos)
        if token is None:
            return _END if _after_space(text, pos) >= len(text) else UNREADABLE
        kind, pos = token.group(1), token.start(1)
        if kind == "]":
            after = _after_space(text, pos + 1)
            if not text.startswith(">", after):
                return _END if after >= len(text) else UNREADABLE
            return _region_problem(text[start:pos], declared)
        if kind in ("<!--", "<?"):
            end = text.find("-->" if kind == "<!--" else "?>", pos + len(kind))
            if end < 0:
                return _END
            pos = end + (3 if kind == "<!--" else 2)
        elif kind == "<!ENTITY":
            declared += 1
            problem, pos = _entity(text, pos)
            if problem:
                return problem
        elif kind == "<!":  # ELEMENT, ATTLIST, NOTATION: skipped whole, literals included
            pos = _declaration_end(text, pos + 2)
            if pos < 0:
                return _END
        else:  # "%": a parameter-entity reference, to an external entity or to nothing
            reference = _PE_REFERENCE.match(text, pos)
            if reference is None:
                return UNREADABLE
            pos = reference.end()


def _entity(text: str, pos: int) -> tuple[str | None, int]:
    """(Why this entity declaration is refused or None, where it ends)."""
    head = _ENTITY_HEAD.match(text, pos)
    if head is None:
        return UNREADABLE, pos
    pos = head.end()
    quote = text[pos : pos + 1]
    if quote not in ('"', "'"):  # SYSTEM or PUBLIC: external, and never loaded
        end = _declaration_end(text, pos)
        return (_END, pos) if end < 0 else (None, end)
    close = text.find(quote, pos + 1)
    if close < 0:
        return _END, pos
    if head.group(1):
        return PARAMETER, pos
    if not _flat(text[pos + 1 : close]):
        return CHAIN, pos
    end = _after_space(text, close + 1)
    if not text.startswith(">", end):
        return (_END if end >= len(text) else UNREADABLE), pos
    return None, end + 1


def _flat(value: str) -> bool:
    """The value names no other entity, now or once its character references are expanded."""
    if "%" in value:
        return False
    for ampersand in _AMPERSAND.finditer(value):
        decimal, hexadecimal = ampersand.groups()
        if decimal is None and hexadecimal is None:
            return False  # an entity reference
        code = int(decimal) if decimal is not None else int(hexadecimal, 16)
        if code in _BUILDERS:  # "&#38;e0;" becomes "&e0;" when declared
            return False
    return True


def _after_space(text: str, pos: int) -> int:
    match = _SPACE.match(text, pos)
    return match.end() if match else pos


def _declaration_end(text: str, pos: int) -> int:
    """Just past the `>` ending the declaration at `pos`, literals skipped; -1 if none."""
    while True:
        stop = _DECL_STOP.search(text, pos)
        if stop is None:
            return -1
        if stop.group() == ">":
            return stop.end()
        end = text.find(stop.group(), stop.end())
        if end < 0:
            return -1
        pos = end + 1


def _region_problem(subset: str, declared: int) -> str | None:
    """Checks on the subset's raw text, whatever a comment or a value seemed to hide."""
    if subset.count("<!ENTITY") != declared:
        return HIDDEN
    if _REFERENCE.search(subset):
        return CHAIN
    for reference in re.finditer(r"&#(?:([0-9]+)|x([0-9A-Fa-f]+));", subset):
        decimal, hexadecimal = reference.groups()
        if (int(decimal) if decimal else int(hexadecimal, 16)) in _BUILDERS:
            return CHAIN
    return None
