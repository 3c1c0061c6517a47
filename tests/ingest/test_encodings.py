"""The encoding is settled before feedparser: declared, undeclared and wrongly declared bodies."""

from __future__ import annotations

import pytest

from bot.ingest.encoding import to_utf8
from bot.ingest.parse import parse_sync
from tests.paths import SHARED_FEEDS

ARABIC = "اختتم الرئيس الروسي فلاديمير بوتين زيارة استمرت يومين إلى أذربيجان"


def feed(text: str, declaration: str = "") -> str:
    return f"{declaration}<rss version='2.0'><channel><title>{text}</title></channel></rss>"


@pytest.mark.parametrize("codec", ["windows-1256", "iso-8859-6"])
def test_undeclared_legacy_arabic_is_recognised(codec: str) -> None:
    body, headers, found = to_utf8(feed(ARABIC).encode(codec), {})
    assert found == codec
    assert ARABIC in body.decode("utf-8")
    assert headers["content-type"].endswith("charset=utf-8")


def test_utf8_body_wins_over_a_wrong_header_and_declaration() -> None:
    raw = feed(ARABIC, '<?xml version="1.0" encoding="windows-1256"?>').encode("utf-8")
    body, headers, found = to_utf8(raw, {"content-type": "text/xml; charset=windows-1256"})
    assert found == "utf-8"
    assert body.decode("utf-8").startswith('<?xml version="1.0" encoding="utf-8"?>')
    assert headers["content-type"] == "text/xml; charset=utf-8"
    assert parse_sync(raw, url="https://x.example/f", headers=headers).title == ARABIC


def test_a_consistent_utf8_body_is_passed_through_untouched() -> None:
    raw = feed(ARABIC, '<?xml version="1.0" encoding="UTF-8"?>').encode("utf-8")
    headers = {"content-type": "application/rss+xml; charset=utf-8"}
    body, same_headers, _ = to_utf8(raw, headers)
    assert body is raw and same_headers is headers


def test_declared_encoding_is_used_when_the_body_is_not_utf8() -> None:
    raw = feed(ARABIC, '<?xml version="1.0" encoding="windows-1256"?>').encode("cp1256")
    # The server's default charset header is wrong; the document's own declaration is right.
    body, _, found = to_utf8(raw, {"content-type": "text/xml; charset=iso-8859-1"})
    assert found == "windows-1256" and ARABIC in body.decode("utf-8")


@pytest.mark.parametrize(
    ("name", "sample"),
    [
        ("hebrew-windows1255-nodecl.xml", "האם תדפיס נייר"),  # undeclared windows-1255
        ("cercle-psy_no-decl-latin1.xml", "é"),  # undeclared latin-1 French
        ("uol-noticias_no-decl-latin1.rss", "ç"),  # undeclared latin-1 Portuguese
        ("kc0011-gb2312.rss", "\u7684"),  # declared gb2312
        ("ibash-windows-1251.xml", "\u043e"),  # declared windows-1251 Cyrillic
        ("jn-pt_iso-8859-1.rss", "ã"),  # declared iso-8859-1
    ],
)
def test_shared_real_world_encodings_come_out_readable(name: str, sample: str) -> None:
    parsed = parse_sync((SHARED_FEEDS / name).read_bytes(), url=f"https://x.example/{name}")
    assert parsed.is_feed and parsed.entries
    text = " ".join(e.title_html + e.content_html for e in parsed.entries)
    assert sample in text
    assert "\ufffd" not in text and "Ã" not in text
