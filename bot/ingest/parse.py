"""Bytes to feed entries: RSS 0.9x/1.0/2.0 and Atom through feedparser, JSON Feed by hand.

feedparser is given bytes and the response headers (lowercase names), never a
URL or a path string: given a string it may itself read files or the network.
The encoding is settled first (see encoding.py). feedparser's HTML sanitizer
and relative-URI rewriting inside content are switched off: we never show a
feed's HTML, only the plain text html_to_text draws from it (scripts and
styles dropped), so that work would be thrown away. Entry links are still
resolved against the feed's base.

Malformed but readable XML ("bozo") is accepted; a page that is no feed at all
(an HTML page, a login wall) is reported as such, with the feeds it links to.
A DTD that declares entities referring to others is refused before feedparser
sees it (dtd.py): ParseFailed carries the feed's status and the reason.

feedparser promises to report malformed input (bozo), not to raise, and breaks that
promise on some (kurtmckee/feedparser#591, #599). A numeric character reference to no
character (a lone surrogate, which some publishers write in pairs for an emoji, or a
number past U+10FFFF) raises in its lenient parser, so such references are read as
U+FFFD first, as an HTML parser reads them, and the rest of the feed is kept. Whatever
else it raises on fails that feed alone, as ParseFailed with the reason.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import io
import re
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html import escape
from typing import Any
from urllib.parse import urljoin

import feedparser

from bot.core.urls import is_web_url
from bot.ingest.dates import entry_time
from bot.ingest.dtd import dtd_problem
from bot.ingest.encoding import to_utf8
from bot.ingest.jsonfeed import looks_like_json_feed, parse_json_feed
from bot.ingest.timing import ttl_hint
from bot.models import FeedStatus

FEED_LINK_TYPES = frozenset(
    ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json")
)
_CHARACTER_REFERENCE = re.compile(rb"&#(?:([0-9]+)|[xX]([0-9a-fA-F]+));")
_REPLACEMENT_CHARACTER = b"&#xFFFD;"


class ParseFailed(Exception):
    """The body was not parsed: the feed's status (a FeedStatus) and why, for its admin."""

    def __init__(self, status: str, reason: str) -> None:
        super().__init__(status, reason)  # both in args: it crosses from the worker pickled
        self.status = status
        self.reason = reason

    def __str__(self) -> str:
        return self.reason


@dataclass(frozen=True)
class Entry:
    guid: str | None
    link: str | None
    title_html: str
    content_html: str
    published: datetime | None
    updated: datetime | None = None
    categories: tuple[str, ...] = ()  # the item's <category> / dc:subject terms

    def fingerprint(self) -> str:
        """Hash of what a reader sees of the item; feed-level changes do not touch it."""
        digest = hashlib.blake2b(digest_size=16)
        for part in (self.title_html, "\0", self.link or "", "\0", self.content_html):
            digest.update(part.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()


@dataclass(frozen=True)
class ParsedFeed:
    title: str | None
    entries: list[Entry]
    is_feed: bool  # False for an HTML page or anything else that is not a feed
    problem: str | None = None  # feedparser's complaint about malformed but readable XML
    site_url: str | None = None
    ttl: timedelta | None = None  # how long the feed says it stays fresh
    feed_links: list[str] = field(default_factory=list)  # feeds an HTML page points to
    encoding: str = "utf-8"
    version: str = ""


async def parse(
    body: bytes,
    *,
    url: str,
    headers: dict[str, str] | None = None,
    executor: Executor | None = None,
) -> ParsedFeed:
    """Parse off the event loop: in `executor`, else a thread.

    The bot parses in a process of its own instead (parse_worker.ParserPool):
    feedparser holds the interpreter lock while it works, and a process that
    crashes or hangs can be replaced.
    """
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(
        executor, functools.partial(parse_sync, body, url=url, headers=headers)
    )


def parse_sync(body: bytes, *, url: str, headers: dict[str, str] | None = None) -> ParsedFeed:
    """Raises ParseFailed for a body that must not reach the XML parser."""
    response_headers = {k.lower(): v for k, v in (headers or {}).items()}
    if looks_like_json_feed(body):
        try:
            return _json_feed(body, url)
        except ValueError:
            pass  # not JSON after all: let feedparser say what it is
    body, response_headers, encoding = to_utf8(body, response_headers)
    body = _mend_character_references(body)
    # The body is UTF-8 now, and feedparser must read it as such: under another type, or
    # none, it believes an `encoding=` on the first line, even UTF-7, and the DTD check
    # below would not read what expat reads.
    response_headers["content-type"] = "application/xml; charset=utf-8"
    refused = dtd_problem(body)
    if refused:
        raise ParseFailed(FeedStatus.HOSTILE_DTD, f"refused before parsing: {refused}")
    # Relative links are resolved against the feed's address below, link by link; giving
    # feedparser the address instead (Content-Location) makes it resolve every element's
    # base, which costs a quarter of its parse. xml:base inside the feed still applies.
    response_headers.pop("content-location", None)
    try:
        data = feedparser.parse(
            io.BytesIO(body),
            response_headers=response_headers,
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    except Exception as exc:  # malformed input it should have called bozo (see above)
        reason = f"the feed parser failed on this feed: {exc!r}"[:300]
        raise ParseFailed(FeedStatus.ERROR, reason) from None
    version = str(data.get("version") or "")
    is_feed = bool(version) or bool(data.entries)
    problem = str(data.get("bozo_exception")) if data.get("bozo") else None
    feed = data.feed
    return ParsedFeed(
        title=(feed.get("title") or None),
        entries=[_entry(e, url) for e in data.entries] if is_feed else [],
        is_feed=is_feed,
        problem=problem,
        site_url=_absolute(url, feed.get("link")),
        ttl=ttl_hint(feed.get("ttl"), feed.get("sy_updateperiod"), feed.get("sy_updatefrequency")),
        feed_links=[] if is_feed else _feed_links(feed),
        encoding=encoding,
        version=version,
    )


def _mend_character_references(body: bytes) -> bytes:
    """`body` with each numeric character reference to no character made U+FFFD's (linear)."""
    if b"&#" not in body:
        return body
    return _CHARACTER_REFERENCE.sub(_checked_reference, body)


def _checked_reference(reference: re.Match[bytes]) -> bytes:
    decimal, hexadecimal = reference.groups()
    digits = (decimal or hexadecimal).lstrip(b"0")
    if len(digits) > 7:  # past U+10FFFF in either base (int() refuses 4,300 digits anyway)
        return _REPLACEMENT_CHARACTER
    code = int(digits or b"0", 10 if decimal else 16)
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return _REPLACEMENT_CHARACTER
    return reference.group()


def _json_feed(body: bytes, url: str) -> ParsedFeed:
    feed, items = parse_json_feed(body, url=url)
    return ParsedFeed(
        title=feed["title"] or None,
        entries=[Entry(**item) for item in items],
        is_feed=True,
        site_url=feed["link"],
        version="json",
    )


def _entry(entry: Any, base: str) -> Entry:
    return Entry(
        guid=(entry.get("id") or "").strip() or None,
        link=_link(entry, base),
        title_html=_html(entry.get("title_detail"), entry.get("title", "")),
        content_html=_body(entry),
        published=entry_time(entry.get("published_parsed"), entry.get("published")),
        # dict.get: feedparser's own get maps a missing "updated" to "published", with a warning.
        updated=entry_time(dict.get(entry, "updated_parsed"), dict.get(entry, "updated")),
        categories=_categories(entry),
    )


def _categories(entry: Any) -> tuple[str, ...]:
    """<category> and dc:subject (feedparser's tags), each once, as written."""
    terms = (str(t.get("term") or t.get("label") or "").strip() for t in entry.get("tags") or [])
    return tuple(dict.fromkeys(t for t in terms if t))


def _link(entry: Any, base: str) -> str | None:
    # FeedBurner proxies links through its own redirector; the original is kept aside.
    for candidate in (entry.get("feedburner_origlink"), entry.get("link")):
        link = _absolute(base, candidate)
        if link:
            return link
    guid = str(entry.get("id") or "").strip()  # an Atom id may be the permalink itself
    return guid if guid.lower().startswith(("http://", "https://")) and is_web_url(guid) else None


def _absolute(base: str, link: Any) -> str | None:
    """`link` resolved against the feed's address; None unless it is then an http(s) URL."""
    if not link or not isinstance(link, str):
        return None
    link = link.strip()
    if not link.lower().startswith(("http://", "https://")):
        if ":" in link.split("/", 1)[0]:  # another scheme (tag:, urn:, mailto:), not a path
            return None
        link = urljoin(base, link)
    return link if is_web_url(link) else None


def _body(entry: Any) -> str:
    """The longest body the feed offers: full content when present, else the summary."""
    bodies = [_html(c, c.get("value", "")) for c in entry.get("content") or []]
    bodies.append(_html(entry.get("summary_detail"), entry.get("summary", "")))
    return max(bodies, key=len)


def _html(detail: Any, value: Any) -> str:
    """Text as HTML: plain text (Atom type="text") is escaped so one HTML path serves all."""
    text = str(value or "")
    if (detail or {}).get("type") == "text/plain":
        return escape(text, quote=False)
    return text


def _feed_links(feed: Any) -> list[str]:
    """Feeds an HTML page announces with <link rel="alternate" type="application/rss+xml">."""
    return [
        str(link["href"])
        for link in feed.get("links") or []
        if link.get("rel") == "alternate"
        and link.get("type") in FEED_LINK_TYPES
        and link.get("href")
    ]
