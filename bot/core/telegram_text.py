"""Telegram's text rules, in one place.

A message is at most 4096 UTF-16 code units counted on the text that remains
after HTML entity parsing; a caption 1024. Only a few tags and four named
entities are understood. Paragraph direction follows the first strong
character, so a line of an Arabic message must not open with a Latin letter,
a digit-led URL or a flag emoji.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
RLM = "\u200f"
LRM = "\u200e"  # the same, left to right: an English line that starts with Arabic input

_TAG = re.compile(r"<[^>]*>")
_ALLOWED_TAGS = frozenset(
    [
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-emoji",
    ]
)
_TAG_NAME = re.compile(r"</?\s*([a-zA-Z][a-zA-Z0-9-]*)")
_ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
_TELEGRAM_NAMED = frozenset(("lt", "gt", "amp", "quot"))
_ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: characters outside the BMP take two units."""
    return len(text.encode("utf-16-le")) // 2


def visible_text(markup: str) -> str:
    """What Telegram shows for HTML `markup`: tags removed, entities decoded."""
    return html.unescape(_TAG.sub("", markup))


def visible_len(markup: str) -> int:
    return utf16_len(visible_text(markup))


def check_html(markup: str, *, limit: int = MESSAGE_LIMIT) -> None:
    """Raise ValueError when Telegram would refuse `markup`: unknown tag or entity, or too long."""
    for match in _TAG_NAME.finditer(markup):
        if match.group(1).lower() not in _ALLOWED_TAGS:
            raise ValueError(f"tag <{match.group(1)}> is not allowed by Telegram")
    for match in _ENTITY.finditer(markup):
        name = match.group(1)
        if not name.startswith("#") and name not in _TELEGRAM_NAMED:
            raise ValueError(f"entity &{name}; is not understood by Telegram")
    if "&" in _ENTITY.sub("", markup):
        raise ValueError("a bare '&' must be written &amp;")
    length = visible_len(markup)
    if length == 0:
        raise ValueError("message is empty")
    if length > limit:
        raise ValueError(f"message is {length} UTF-16 units, over Telegram's {limit}")


def pack(
    blocks: Iterable[str], *, limit: int = MESSAGE_LIMIT, separator: str = "\n\n"
) -> list[str]:
    """Join HTML blocks into as few messages as fit, splitting only between blocks.

    Each block must be well-formed HTML on its own (an item of a digest), so every
    message stays well-formed. A block longer than the limit is a bug upstream.
    """
    messages: list[str] = []
    current = ""
    sep_len = utf16_len(separator)
    current_len = 0
    for block in blocks:
        block_len = visible_len(block)
        if block_len > limit:
            raise ValueError(f"a single block is {block_len} UTF-16 units, over {limit}")
        if current and current_len + sep_len + block_len > limit:
            messages.append(current)
            current, current_len = "", 0
        if current:
            current += separator + block
            current_len += sep_len + block_len
        else:
            current, current_len = block, block_len
    if current:
        messages.append(current)
    return messages


def arabic_digits(text: str) -> str:
    return text.translate(_ARABIC_DIGITS)


def starts_rtl_safe(line: str) -> bool:
    """True when a line's first strong character is right-to-left (or it has none).

    This is the Unicode rule clients apply per paragraph: digits, punctuation and
    most emoji are weak or neutral and skipped; Latin letters, letterlike symbols
    such as ℹ and the regional-indicator letters that make up flags are strong
    left-to-right.
    """
    for ch in visible_text(line):
        direction = unicodedata.bidirectional(ch)
        if direction in ("R", "AL"):
            return True
        if direction == "L":
            return False
    return True
