"""JSON Feed 1.0/1.1 (jsonfeed.org), which feedparser 6 does not read.

Small sites and static-site generators publish it; the mapping to our Entry is
direct: id → guid, url (else external_url) → link, content_html (else
content_text, escaped) → body, date_published/date_modified → dates.

json.loads joins a pair of \\u escapes into one character but keeps a lone surrogate
(`"\\ud800"`) as it is: a string no reader can read and SQLite cannot store, which
failed the whole feed. It is read as U+FFFD, as a reference to no character is in an
XML feed (parse.py).
"""

from __future__ import annotations

import json
import re
from html import escape
from typing import Any
from urllib.parse import urljoin

from bot.ingest.dates import entry_time

JSONFEED_MARK = b"jsonfeed.org/version/"
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def looks_like_json_feed(body: bytes) -> bool:
    head = body[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"{") and JSONFEED_MARK in head


def parse_json_feed(body: bytes, *, url: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(feed fields, entry fields) as plain dicts; ValueError when it is not a JSON Feed."""
    data = json.loads(body.decode("utf-8-sig"))
    if not isinstance(data, dict) or not str(data.get("version", "")).startswith(
        "https://jsonfeed.org/version/"
    ):
        raise ValueError("not a JSON Feed")
    feed = {
        "title": _text(data.get("title")),
        "link": _url(url, data.get("home_page_url")),
    }
    entries = []
    for item in data.get("items") or []:
        if not isinstance(item, dict):
            continue
        html = _text(item.get("content_html"))
        if not html and item.get("content_text"):
            html = escape(_text(item.get("content_text")))
        summary = _text(item.get("summary"))
        entries.append(
            {
                "guid": _text(item.get("id")) or None,
                "link": _url(url, item.get("url") or item.get("external_url")),
                "title_html": escape(_text(item.get("title"))),
                "content_html": html or escape(summary),
                "published": entry_time(None, _iso(item.get("date_published"))),
                "updated": entry_time(None, _iso(item.get("date_modified"))),
                "categories": tuple(
                    t.strip() for t in item.get("tags") or [] if isinstance(t, str) and t.strip()
                ),
            }
        )
    return feed, entries


def _iso(value: Any) -> str | None:
    """RFC 3339 read through feedparser's date parser (it handles the W3C forms)."""
    return str(value) if value else None


def _text(value: Any) -> str:
    text = value.strip() if isinstance(value, str) else str(value) if value is not None else ""
    return _LONE_SURROGATE.sub("\ufffd", text)


def _url(base: str, value: Any) -> str | None:
    return urljoin(base, _text(value)) if isinstance(value, str) and value.strip() else None
