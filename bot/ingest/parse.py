"""Bytes to feed entries with feedparser, off the event loop.

feedparser is given bytes and the response headers (lowercase names), never a
URL or a path string: given a string it may itself read files or the network.
"""

from __future__ import annotations

import asyncio
import calendar
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import feedparser


@dataclass(frozen=True)
class Entry:
    guid: str | None
    link: str | None
    title_html: str
    content_html: str
    published: datetime | None


@dataclass(frozen=True)
class ParsedFeed:
    title: str | None
    entries: list[Entry]
    is_feed: bool  # False for an HTML page or anything else that is not a feed
    problem: str | None = None  # feedparser's complaint about malformed but readable XML


async def parse(body: bytes, *, url: str, headers: dict[str, str] | None = None) -> ParsedFeed:
    return await asyncio.to_thread(parse_sync, body, url=url, headers=headers)


def parse_sync(body: bytes, *, url: str, headers: dict[str, str] | None = None) -> ParsedFeed:
    response_headers = {k.lower(): v for k, v in (headers or {}).items()}
    # Relative links are resolved against the feed's own address.
    response_headers.setdefault("content-location", url)
    data = feedparser.parse(io.BytesIO(body), response_headers=response_headers)
    is_feed = bool(data.get("version")) or bool(data.entries)
    problem = str(data.get("bozo_exception")) if data.get("bozo") else None
    return ParsedFeed(
        title=(data.feed.get("title") or None),
        entries=[_entry(e) for e in data.entries],
        is_feed=is_feed,
        problem=problem,
    )


def _entry(entry: Any) -> Entry:
    content = entry.get("content") or []
    # The longest body the feed offers: full content when present, else the summary.
    bodies = [c.get("value", "") for c in content] + [entry.get("summary", "")]
    return Entry(
        guid=entry.get("id") or None,
        link=entry.get("link") or None,
        title_html=_title_html(entry),
        content_html=max(bodies, key=len),
        published=_time(entry.get("published_parsed") or entry.get("updated_parsed")),
    )


def _title_html(entry: Any) -> str:
    detail = entry.get("title_detail") or {}
    title = str(entry.get("title", ""))
    # feedparser gives text/plain titles already unescaped; escape back so one HTML path serves all.
    if detail.get("type") == "text/plain":
        return title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return title


def _time(parsed: Any) -> datetime | None:
    if not parsed:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), UTC)
    except (OverflowError, ValueError, TypeError):
        return None
