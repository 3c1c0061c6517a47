"""Tests for the Telegram HTML parser. The expected messages are TDLib's."""

from __future__ import annotations

import pytest

from .telegram_html import (
    FormattedText,
    TelegramHTMLError,
    parse_telegram_html,
    parse_telegram_html_entities,
    strip_formatted_text,
    utf16_len,
)


@pytest.mark.parametrize(
    ("source", "visible"),
    [
        ("plain text", "plain text"),
        ("<b>bold</b> <strong>s</strong> <i>i</i> <em>e</em>", "bold s i e"),
        ("<u>u</u><ins>i</ins><s>s</s><strike>k</strike><del>d</del>", "uiskd"),
        ('<tg-spoiler>x</tg-spoiler><span class="tg-spoiler">y</span>', "xy"),
        ("&lt;tag&gt; &amp; &quot;q&quot;", '<tag> & "q"'),
        ("&#34;jinja&#39; &#x27;hex&#x27;", "\"jinja' 'hex'"),
        ("&#128512;", "😀"),
        ("a > b", "a > b"),
        ('<a href="https://example.com/?a=1&amp;b=2">link</a>', "link"),
        ("<a href='tg://user?id=1'>user</a>", "user"),
        ('<pre><code class="language-python">x = 1</code></pre>', "x = 1"),
        ("<blockquote expandable>quote</blockquote>", "quote"),
        ('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>', "👍"),
        ("<B>upper</B>", "upper"),
        ("<b>closed by</>", "closed by"),
        ("<b >spaced</b >", "spaced"),
        ("السلام <b>عليكم</b>", "السلام عليكم"),
    ],
)
def test_accepts_what_telegram_accepts(source: str, visible: str) -> None:
    assert parse_telegram_html(source) == visible


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("Hello <script>x</script>", 'Unsupported start tag "script" at byte offset 6'),
        ("<div>x</div>", 'Unsupported start tag "div" at byte offset 0'),
        ("<b>open", 'Can\'t find end tag corresponding to start tag "b"'),
        (
            "<b><i>x</b></i>",
            'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"',
        ),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("x <", "Unclosed start tag at byte offset 2"),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ("<a href=https://example.com>x</a>", "Unexpected end of name token at byte offset 8"),
        ('<a href="x>y</a>', "Unclosed start tag at byte offset 0"),
        ("<a href>x</a>", 'Expected equal sign in declaration of an attribute of the tag "a"'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("<tg-emoji>x</tg-emoji>", "Invalid custom emoji identifier specified"),
        ("&#xD83D;", "Text contains invalid Unicode characters"),
        # Byte offsets count UTF-8 bytes: each Arabic letter is 2 bytes.
        ("مرحبا <x>", 'Unsupported start tag "x" at byte offset 11'),
    ],
)
def test_rejects_with_telegrams_reason(source: str, reason: str) -> None:
    with pytest.raises(TelegramHTMLError) as caught:
        parse_telegram_html(source)
    assert str(caught.value).startswith(reason)


@pytest.mark.parametrize(
    "source",
    [
        "a &nbsp; b",
        "Tom & Jerry",
        "&copy; 2024",
        "&#0;",
        "&#X41;",
        '<a href="https://x.com/?a=1&b=2">x</a>',
        '<a href="https://x.com" target="_blank">x</a>',
        '<code class="python">x</code>',
    ],
)
def test_strict_mode_rejects_what_tdlib_lets_through(source: str) -> None:
    """These reach users as literal "&nbsp;" or do nothing at all, so they are template bugs."""
    with pytest.raises(TelegramHTMLError, match="Unsupported"):
        parse_telegram_html(source)
    parse_telegram_html(source, strict=False)


def test_non_strict_keeps_unknown_entities_literally_like_tdlib() -> None:
    assert parse_telegram_html("a &nbsp; & b", strict=False) == "a &nbsp; & b"


def test_entities_use_utf16_offsets() -> None:
    parsed = parse_telegram_html_entities('😀 <b>bold</b> <a href="https://e.com">l</a>')
    assert parsed.text == "😀 bold l"
    assert parsed.entities == [
        {"type": "bold", "offset": 3, "length": 4},
        {"type": "text_link", "offset": 8, "length": 1, "url": "https://e.com"},
    ]


def test_pre_with_language_and_plain_code() -> None:
    parsed = parse_telegram_html_entities(
        '<pre><code class="language-py">x</code></pre> <code>y</code>'
    )
    assert parsed.entities == [
        {"type": "pre", "offset": 0, "length": 1, "language": "py"},
        {"type": "code", "offset": 2, "length": 1},
    ]


def test_strip_trims_like_telegram() -> None:
    parsed = parse_telegram_html_entities("\n  <b> </b> hi <i>x</i>  \n")
    assert strip_formatted_text(parsed) == FormattedText(
        "hi x", [{"type": "italic", "offset": 3, "length": 1}]
    )


def test_utf16_len_counts_astral_characters_twice() -> None:
    assert utf16_len("abc") == 3
    assert utf16_len("😀") == 2
    assert utf16_len("مرحبا") == 5
