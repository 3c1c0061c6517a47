"""Telegram's HTML parse mode, reimplemented for the fake Bot API.

This copies how TDLib (``parse_html`` in ``td/telegram/MessageEntity.cpp``, which the Bot API
server runs) reads ``parse_mode=HTML``: the same tag set, the same scanning rules, the same error
wording and UTF-8 byte offsets. A template that Telegram would refuse therefore fails here too,
with the message the production logs would show.

By default (``strict=True``) it refuses two things that TDLib lets through:

* a ``&`` that doesn't start ``&lt;`` ``&gt;`` ``&amp;`` ``&quot;`` or a numeric reference.
  TDLib keeps it as literal text, so ``&nbsp;`` reaches the user as the six characters
  ``&nbsp;``. The Bot API docs say it must be escaped. A bare ``&`` almost always means a
  value was put into the template without escaping.
* attributes TDLib ignores (``<a target=...>``, ``<code class="x">``). Each one is a template
  bug that does nothing.

``strict=False`` goes back to TDLib's exact behaviour.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from typing import Any

SUPPORTED_TAGS = frozenset(
    [
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    ]
)

_SIMPLE_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}

_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}

# TDLib's is_space(); NUL stands for "end of input" because TDLib scans a C string.
_SPACES = frozenset(" \t\r\n\v\0")
_END = "\0"

# Entities TDLib keeps even if they only cover whitespace: they carry data of their own.
_HIDDEN_DATA_ENTITY_TYPES = frozenset({"text_link", "text_mention", "custom_emoji"})


class TelegramHTMLError(ValueError):
    """Markup Telegram refuses. ``str(exc)`` is the reason Telegram gives after
    ``Bad Request: can't parse entities: ``."""


@dataclass(frozen=True)
class FormattedText:
    """Text as the user sees it, with Bot-API-style entities (UTF-16 offsets)."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units. Telegram measures all its limits this way, so an emoji
    outside the BMP counts as 2."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def parse_telegram_html(text: str, *, strict: bool = True) -> str:
    """Returns the visible text of ``text`` parsed like ``parse_mode=HTML``.

    Raises TelegramHTMLError with Telegram's reason.
    """
    return parse_telegram_html_entities(text, strict=strict).text


def parse_telegram_html_entities(text: str, *, strict: bool = True) -> FormattedText:
    """Like parse_telegram_html, and also returns the entities (not trimmed yet, see
    strip_formatted_text)."""
    return _HTMLParser(text, strict=strict).parse()


def strip_formatted_text(formatted: FormattedText) -> FormattedText:
    """Trims and cleans text the way Telegram does before it stores a message.

    Spaces and newlines go from the end, and from the start up to the first entity.
    Entities that only cover whitespace are dropped. Limits such as 4096 units and the
    "message text is empty" check apply to what is left.
    """
    text = formatted.text
    entities = sorted(
        (dict(e) for e in formatted.entities if e["length"] > 0),
        key=lambda e: (e["offset"], -e["length"]),
    )
    entities = [
        e
        for e in entities
        if e["type"] in _HIDDEN_DATA_ENTITY_TYPES
        or _utf16_slice(text, e["offset"], e["length"]).strip(" \n")
    ]

    stripped_right = text.rstrip(" \n")
    end = utf16_len(stripped_right)
    clamped: list[dict[str, Any]] = []
    for entity in entities:
        if entity["offset"] >= end:
            continue
        entity["length"] = min(entity["length"], end - entity["offset"])
        clamped.append(entity)

    first_entity = clamped[0]["offset"] if clamped else end
    lead = 0
    while lead < first_entity and stripped_right[lead] in " \n":
        lead += 1
    for entity in clamped:
        entity["offset"] -= lead
    return FormattedText(stripped_right[lead:], clamped)


def _utf16_slice(text: str, offset: int, length: int) -> str:
    data = text.encode("utf-16-le", "surrogatepass")
    return data[2 * offset : 2 * (offset + length)].decode("utf-16-le", "replace")


@dataclass
class _OpenTag:
    name: str
    argument: str
    utf16_offset: int
    text_offset: int  # index into the output characters, to recover an <a>'s own text


class _HTMLParser:
    """A one-pass scanner that follows TDLib's control flow, so it fails where TDLib fails."""

    def __init__(self, source: str, *, strict: bool) -> None:
        self.src = source
        self.strict = strict
        self.out: list[str] = []
        self.utf16_offset = 0
        self.open_tags: list[_OpenTag] = []
        self.entities: list[dict[str, Any]] = []

    # -- helpers -----------------------------------------------------------------------------

    def at(self, i: int) -> str:
        return self.src[i] if i < len(self.src) else _END

    def byte_offset(self, i: int) -> int:
        """Telegram reports positions as UTF-8 byte offsets into the original text."""
        return len(self.src[:i].encode("utf-8", "surrogatepass"))

    def fail(self, reason: str) -> TelegramHTMLError:
        return TelegramHTMLError(reason)

    def emit(self, char: str) -> None:
        self.out.append(char)
        self.utf16_offset += 2 if ord(char) > 0xFFFF else 1

    # -- main loop ---------------------------------------------------------------------------

    def parse(self) -> FormattedText:
        i = 0
        n = len(self.src)
        while i < n:
            c = self.src[i]
            if c == "&":
                i = self.decode_entity(i, into_text=True)
                continue
            if c != "<":
                self.emit(c)
                i += 1
                continue
            i = self.end_tag(i) if self.at(i + 1) == "/" else self.start_tag(i)
        if self.open_tags:
            tag = self.open_tags[-1].name
            raise self.fail(f'Can\'t find end tag corresponding to start tag "{tag}"')
        for entity in self.entities:
            if entity["type"] == "code":
                entity.pop("language", None)
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return FormattedText("".join(self.out), self.entities)

    def decode_entity(self, pos: int, *, into_text: bool, sink: list[str] | None = None) -> int:
        """Decodes the reference at ``pos`` (which holds '&'). Returns the index after it.

        A reference TDLib can't decode becomes literal text in non-strict mode and an error
        in strict mode.
        """
        end = pos + 1
        value: int | None = None
        if self.at(end) == "#":
            end += 1
            if self.at(end) == "x":
                end += 1
                start = end
                while self.at(end) in string.hexdigits and self.at(end) != _END:
                    end += 1
                digits, base = self.src[start:end], 16
            else:
                start = end
                while self.at(end) in string.digits and self.at(end) != _END:
                    end += 1
                digits, base = self.src[start:end], 10
            number = int(digits, base) if digits else 0
            if 0 < number < 0x10FFFF and end - pos < 10:
                value = number
        else:
            while self.at(end).isascii() and self.at(end).isalpha():
                end += 1
            named = _NAMED_ENTITIES.get(self.src[pos + 1 : end])
            if named is not None:
                value = ord(named)
        if self.at(end) == ";":
            end += 1

        if value is None:
            if self.strict:
                shown = self.src[pos:end] if end > pos + 1 else "&"
                raise self.fail(
                    f'Unsupported HTML entity "{shown}" at byte offset {self.byte_offset(pos)}; '
                    "only &lt; &gt; &amp; &quot; and numeric references are supported, so a "
                    'literal "&" must be written as "&amp;"'
                )
            char, end = "&", pos + 1
        elif 0xD800 <= value <= 0xDFFF:
            raise self.fail(
                "Text contains invalid Unicode characters after decoding HTML entities, "
                "check for unmatched surrogate code units"
            )
        else:
            char = chr(value)

        if into_text:
            self.emit(char)
        elif sink is not None:
            sink.append(char)
        return end

    # -- tags --------------------------------------------------------------------------------

    def start_tag(self, begin: int) -> int:
        byte_pos = self.byte_offset(begin)
        i = begin + 1
        while self.at(i) not in _SPACES and self.at(i) != ">":
            i += 1
        if self.at(i) == _END:
            raise self.fail(f"Unclosed start tag at byte offset {byte_pos}")
        tag = self.src[begin + 1 : i].lower()
        if tag not in SUPPORTED_TAGS:
            raise self.fail(f'Unsupported start tag "{tag}" at byte offset {byte_pos}')

        argument = ""
        while self.at(i) != ">":
            while self.at(i) != _END and self.at(i) in _SPACES:
                i += 1
            if self.at(i) == ">":
                break
            name_begin = i
            # TDLib doesn't stop at '>' here; we do, so that <blockquote expandable> works.
            while self.at(i) not in _SPACES and self.at(i) not in "=>":
                i += 1
            name = self.src[name_begin:i]
            if not name:
                raise self.fail(
                    f'Empty attribute name in the tag "{tag}" at byte offset {byte_pos}'
                )
            while self.at(i) != _END and self.at(i) in _SPACES:
                i += 1
            if self.at(i) != "=":
                if tag == "blockquote" and name == "expandable":
                    argument = "expandable"
                    continue
                raise self.fail(
                    "Expected equal sign in declaration of an attribute of the tag "
                    f'"{tag}" at byte offset {byte_pos}'
                )
            i += 1
            while self.at(i) != _END and self.at(i) in _SPACES:
                i += 1
            if self.at(i) == _END:
                raise self.fail(f'Unclosed start tag "{tag}" at byte offset {byte_pos}')
            value, i = self.attribute_value(i)
            if self.at(i) == _END:
                raise self.fail(f"Unclosed start tag at byte offset {byte_pos}")
            argument = self.apply_attribute(tag, name, value, argument, byte_pos)

        if tag == "span" and argument != "spoiler":
            raise self.fail(f'Tag "span" must have class "tg-spoiler" at byte offset {byte_pos}')
        self.open_tags.append(_OpenTag(tag, argument, self.utf16_offset, len(self.out)))
        return i + 1

    def attribute_value(self, i: int) -> tuple[str, int]:
        quote = self.at(i)
        if quote not in "'\"":
            # An unquoted name token: letters, digits, '.' and '-' only, as in SGML.
            begin = i
            while self.at(i).isascii() and (self.at(i).isalnum() or self.at(i) in ".-"):
                i += 1
            if self.at(i) not in _SPACES and self.at(i) != ">":
                raise self.fail(
                    f"Unexpected end of name token at byte offset {self.byte_offset(begin)}"
                )
            return self.src[begin:i].lower(), i
        i += 1
        chars: list[str] = []
        while self.at(i) != quote and self.at(i) != _END:
            if self.at(i) == "&":
                i = self.decode_entity(i, into_text=False, sink=chars)
                continue
            chars.append(self.at(i))
            i += 1
        if self.at(i) == quote:
            i += 1
        return "".join(chars), i

    def apply_attribute(self, tag: str, name: str, value: str, argument: str, byte_pos: int) -> str:
        """Returns the tag's new argument. Attributes TDLib ignores are errors when strict."""
        if tag == "a" and name == "href":
            return value
        if tag == "code" and name == "class" and value.startswith("language-"):
            return value[len("language-") :]
        if tag == "span" and name == "class":
            # Anything but tg-spoiler fails the span check below, with Telegram's own message.
            return value[len("tg-") :] if value.startswith("tg-") else ""
        if tag == "blockquote" and name == "expandable":
            return "expandable"
        if tag == "tg-emoji" and name == "emoji-id":
            return value
        if self.strict:
            raise self.fail(
                f'Unsupported attribute {name}="{value}" in the tag "{tag}" '
                f"at byte offset {byte_pos}"
            )
        return argument

    def end_tag(self, begin: int) -> int:
        byte_pos = self.byte_offset(begin)
        if not self.open_tags:
            raise self.fail(f"Unexpected end tag at byte offset {byte_pos}")
        i = begin + 2
        while self.at(i) not in _SPACES and self.at(i) != ">":
            i += 1
        end_name = self.src[begin + 2 : i].lower()
        while self.at(i) != _END and self.at(i) in _SPACES:
            i += 1
        if self.at(i) != ">":
            raise self.fail(f"Unclosed end tag at byte offset {byte_pos}")
        opened = self.open_tags[-1]
        if end_name and end_name != opened.name:
            raise self.fail(
                f'Unmatched end tag at byte offset {byte_pos}, expected "</{opened.name}>", '
                f'found "</{end_name}>"'
            )
        if self.utf16_offset > opened.utf16_offset:
            self.add_entity(opened)
        self.open_tags.pop()
        return i + 1

    def add_entity(self, opened: _OpenTag) -> None:
        offset = opened.utf16_offset
        entity: dict[str, Any] = {"offset": offset, "length": self.utf16_offset - offset}
        tag = opened.name
        last = self.entities[-1] if self.entities else None
        same_span = (
            last is not None and last["offset"] == offset and last["length"] == entity["length"]
        )
        if tag in _SIMPLE_ENTITY_TYPES:
            entity["type"] = _SIMPLE_ENTITY_TYPES[tag]
        elif tag == "tg-emoji":
            if not opened.argument.isdigit() or int(opened.argument) == 0:
                raise self.fail("Invalid custom emoji identifier specified")
            entity |= {"type": "custom_emoji", "custom_emoji_id": opened.argument}
        elif tag == "a":
            url = opened.argument or "".join(self.out[opened.text_offset :])
            if not url:
                return  # TDLib silently drops links it can't use
            entity |= {"type": "text_link", "url": url}
        elif tag == "pre":
            if same_span and last is not None and last["type"] == "code" and last.get("language"):
                last["type"] = "pre"
                return
            entity["type"] = "pre"
        elif tag == "code":
            entity["type"] = "code"
            if opened.argument:
                entity["language"] = opened.argument
        elif tag == "blockquote":
            expandable = opened.argument == "expandable"
            entity["type"] = "expandable_blockquote" if expandable else "blockquote"
        self.entities.append(entity)
