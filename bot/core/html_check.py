"""Checking HTML someone typed (an admin's broadcast) against Telegram's HTML parse mode.

Templates are ours and `telegram_text.check_html` is enough for them; an admin's
text can be anything, so this follows Telegram's parser closely: the tag set, their
attributes, nesting, the four named entities, a bare "<" or "&". The problem comes
back as a code and a detail, so the admin reads it in their own language.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from bot.core.telegram_text import MESSAGE_LIMIT, utf16_len

TAGS = frozenset(
    "b strong i em u ins s strike del span tg-spoiler a code pre blockquote tg-emoji".split()
)
_END_TAG = re.compile(r"</\s*([^\s<>]*)\s*>")
_START_TAG = re.compile(
    r"<([^\s<>/]+)((?:\s+[^\s=<>]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[\w.-]+))?)*)\s*>"
)
_ATTRIBUTE = re.compile(r"([^\s=]+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[\w.-]+))?")
_ENTITY = re.compile(r"&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|(lt|gt|amp|quot));")


@dataclass(frozen=True)
class HtmlProblem:
    code: str  # tag, attribute, unclosed, unexpected_end, entity, empty, too_long
    detail: str = ""


def html_problem(markup: str, *, limit: int = MESSAGE_LIMIT) -> HtmlProblem | None:
    """None when Telegram accepts `markup` as a message, else what is wrong."""
    visible: list[str] = []
    open_tags: list[str] = []
    i = 0
    while i < len(markup):
        char = markup[i]
        if char == "&":
            entity = _ENTITY.match(markup, i)
            if entity is None:
                shown = re.match(r"&[#\w]*;?", markup[i:])
                return HtmlProblem("entity", shown.group(0) if shown else "&")
            visible.append(html.unescape(entity.group(0)))
            i = entity.end()
        elif char == "<":
            end = _END_TAG.match(markup, i)
            if end is not None:
                name = end.group(1).lower()
                if not open_tags or (name and name != open_tags[-1]):
                    return HtmlProblem("unexpected_end", name)
                open_tags.pop()
                i = end.end()
                continue
            start = _START_TAG.match(markup, i)
            if start is None:
                return HtmlProblem("tag", markup[i : i + 12])
            name = start.group(1).lower()
            if name not in TAGS:
                return HtmlProblem("tag", name)
            problem = _attributes(name, start.group(2))
            if problem is not None:
                return problem
            open_tags.append(name)
            i = start.end()
        else:
            visible.append(char)
            i += 1
    if open_tags:
        return HtmlProblem("unclosed", open_tags[-1])
    text = "".join(visible).strip()
    if not text:
        return HtmlProblem("empty")
    if utf16_len(text) > limit:
        return HtmlProblem("too_long", str(utf16_len(text)))
    return None


def _attributes(tag: str, source: str) -> HtmlProblem | None:
    found = {m.group(1).lower(): _unquote(m.group(2)) for m in _ATTRIBUTE.finditer(source)}
    allowed = {
        "a": {"href"},
        "code": {"class"},
        "span": {"class"},
        "blockquote": {"expandable"},
        "tg-emoji": {"emoji-id"},
    }.get(tag, set())
    for name in found:
        if name not in allowed:
            return HtmlProblem("attribute", f"{tag} {name}")
    if tag == "span" and found.get("class") != "tg-spoiler":
        return HtmlProblem("attribute", "span class")
    if tag == "code" and "class" in found and not (found["class"] or "").startswith("language-"):
        return HtmlProblem("attribute", "code class")
    if tag == "a" and not re.match(r"(https?|tg)://\S+$", found.get("href") or "", re.I):
        return HtmlProblem("attribute", "a href")
    return None


def _unquote(value: str | None) -> str | None:
    if value and value[0] in "\"'":
        return html.unescape(value[1:-1])
    return value
