"""One ingestion pass: fetch → parse → decide → process → store, per feed, feeds side by
side; then the new articles are filed under stories.

Reads top to bottom like Miniflux's RefreshFeed: conditional GET → honour
Retry-After and cache hints → stop on 304 (or on the very bytes parsed last
time) → parse → decide which items are new or revised (decide.py, no I/O) →
fetch full text where the feed is a teaser → clean and classify → store →
reset the error count, keep the validators and set the next check. One
feed's failure is recorded as that feed's status, backs its next check off,
and never stops the pass.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx

from bot.core.clean import MAX_SOURCE_CHARS, html_to_text, source_name
from bot.core.language import Majority
from bot.core.topics import Classifier
from bot.core.urls import host_of, is_web_url
from bot.errors import StorageError
from bot.ingest.decide import Plan, Validators, decide, keys, validators
from bot.ingest.extract import MAX_PAGES_PER_FEED, PageExtractor, wants_page
from bot.ingest.fetch import Fetcher, FetchLimits, FetchResult
from bot.ingest.filing import StoryFiler
from bot.ingest.parse import Entry, ParsedFeed, ParseFailed, parse
from bot.ingest.parse_worker import ParserPool
from bot.ingest.process import SHORT_TEXT_CHARS, feed_language, is_short, to_article
from bot.ingest.timing import Timing, cache_hint
from bot.logs import about
from bot.models import Feed, FeedStatus, FullText, NewArticle
from storage.articles import ArticleRepository, ArticleUpdate
from storage.db import utc_now
from storage.feed_claims import claim_due
from storage.feeds import FeedRepository
from storage.stories import StoryRepository

log = logging.getLogger(__name__)

FEEDS_IN_FLIGHT = 16  # feeds being worked on at once (bounds memory: each holds its body)
TOMBSTONE_KEEP = timedelta(days=30)  # a pruned key no feed has carried for this long is forgotten


@dataclass(frozen=True)
class FeedReport:
    url: str
    status: str
    entries: int = 0
    new: int = 0
    error: str | None = None
    updated: int = 0

    @property
    def failed(self) -> bool:
        return self.status not in (FeedStatus.OK, FeedStatus.NOT_MODIFIED)

    def as_json(self) -> dict[str, object]:
        data = asdict(self)
        return {k: v for k, v in data.items() if k not in ("error", "updated") or v}


@dataclass(frozen=True)
class FeedCheck:
    """What one trial fetch of an address found, before it is saved as a feed."""

    url: str  # where the feed is: after a permanent redirect or the page's feed link
    status: str
    title: str | None = None
    entries: int = 0
    error: str | None = None
    language: Majority | None = None  # of its first items; None when it has none

    @property
    def ok(self) -> bool:
        return self.status == FeedStatus.OK


class Ingestor:
    def __init__(
        self,
        feeds: FeedRepository,
        articles: ArticleRepository,
        stories: StoryRepository,
        classifier: Classifier,
        client: httpx.AsyncClient,
        *,
        timing: Timing | None = None,
        limits: FetchLimits | None = None,
        clock: Callable[[], datetime] = utc_now,
        parser: ParserPool | None = None,  # None: parse in a thread (tests)
    ) -> None:
        self.feeds = feeds
        self.filer = StoryFiler(stories)
        self.parser = parser
        self.articles = articles
        self.classifier = classifier
        self.fetcher = Fetcher(client, limits)
        self.pages = PageExtractor(self.fetcher)
        self.timing = timing or Timing()
        self.clock = clock

    async def run(
        self,
        feeds: Iterable[Feed] | None = None,
        *,
        on_done: Callable[[FeedReport], None] | None = None,
    ) -> list[FeedReport]:
        """Ingest the given feeds (all enabled ones by default); reports in the feeds' order."""
        targets = list(feeds) if feeds is not None else await self.feeds.all(enabled_only=True)
        gate = asyncio.Semaphore(FEEDS_IN_FLIGHT)

        async def one(feed: Feed) -> FeedReport:
            async with gate:
                report = await self.ingest(feed)
            if on_done:
                on_done(report)
            return report

        reports = list(await asyncio.gather(*(one(f) for f in targets)))
        # Every pass, not only one that stored something: a pass killed after storing
        # left its articles unfiled, and the next one files them (an indexed lookup).
        await self.filer.file_new_articles()
        return reports

    async def run_due(
        self, *, limit: int | None = None, on_done: Callable[[FeedReport], None] | None = None
    ) -> list[FeedReport]:
        """Ingest the feeds whose next check has come (the scheduler's tick), claimed so a
        pass in another process beside this one takes other feeds (storage/feed_claims.py)."""
        due = await claim_due(self.feeds.db, self.clock(), limit=limit)
        return await self.run(due, on_done=on_done)

    async def ingest(self, feed: Feed) -> FeedReport:
        with about(feed_id=feed.id):
            return await self._ingest_logged(feed)

    async def _ingest_logged(self, feed: Feed) -> FeedReport:
        try:
            return await self._ingest(feed)
        except StorageError:
            raise  # the database failed for every feed alike: the pass stops, in one line
        except Exception as exc:  # one feed never stops the pass
            log.exception("ingesting %s failed", feed.url)
            return await self._failed(feed, FeedStatus.ERROR, repr(exc)[:300])

    async def _ingest(self, feed: Feed) -> FeedReport:
        result = await self._fetch(feed)
        if result.moved_to and await self.feeds.move(feed.id, result.moved_to):
            log.info("%s moved permanently to %s", feed.url, result.moved_to)
        if result.status == FeedStatus.NOT_MODIFIED:
            return await self._unchanged(feed, result)
        if not result.ok:
            return await self._failed(
                feed, result.status, result.error or result.status, retry_after=result.retry_after
            )
        body_hash = hashlib.blake2b(result.body, digest_size=16).hexdigest()
        if body_hash == feed.body_hash:  # a server without validators sent the same bytes
            return await self._unchanged(feed, result)

        try:
            parsed = await self._parse(result)
        except ParseFailed as exc:  # refused, or it crashed or outlasted the parser
            return await self._failed(feed, exc.status, exc.reason)
        if not parsed.is_feed:
            return await self._failed(feed, FeedStatus.NOT_A_FEED, _not_a_feed(parsed, result.url))

        guids, urls = keys(parsed.entries)
        plan = decide(feed, parsed.entries, await self.articles.known(feed.id, guids, urls))
        pages = await self._full_texts(feed, plan.entries)
        new, updates = await self._process(feed, parsed, plan, pages)
        stored = await self.articles.store(feed.id, new, updates, tombstones_seen=plan.buried)

        # A pass that left items for later forgets this body, so the next one reads it again.
        partial = plan.deferred > 0
        await self._answered(
            feed,
            result,
            status=FeedStatus.OK,
            parsed=parsed,
            body_hash=None if partial else body_hash,
            remember_validators=not partial,
        )
        log.info(
            "%s: %d entries, %d new, %d updated",
            feed.url,
            len(parsed.entries),
            stored.added,
            stored.updated,
        )
        return FeedReport(
            feed.url,
            FeedStatus.OK,
            entries=len(parsed.entries),
            new=stored.added,
            updated=stored.updated,
        )

    async def _parse(self, result: FetchResult) -> ParsedFeed:
        if self.parser is None:
            return await parse(result.body, url=result.url, headers=result.headers)
        return await self.parser.parse(result.body, url=result.url, headers=result.headers)

    async def _unchanged(self, feed: Feed, result: FetchResult) -> FeedReport:
        await self._answered(feed, result, status=FeedStatus.NOT_MODIFIED)
        return FeedReport(feed.url, FeedStatus.NOT_MODIFIED)

    async def _full_texts(self, feed: Feed, entries: Sequence[Entry]) -> dict[str, str]:
        """Article pages' text for the entries whose feed text is a teaser (per the feed)."""
        if feed.full_text == FullText.OFF or not entries:
            return {}
        site = (feed.url, feed.site_url or "")
        candidates = [
            e
            for e in entries
            if e.link
            and is_web_url(e.link)
            and wants_page(feed.full_text, short=True, link=e.link, feed_urls=site)
        ]
        if feed.full_text != FullText.ON and candidates:
            # Telling a teaser means reading its markup: CPU work, off the event loop.
            candidates = await asyncio.to_thread(_teasers, candidates, MAX_PAGES_PER_FEED)
        links = [e.link for e in candidates if e.link][:MAX_PAGES_PER_FEED]
        texts = await asyncio.gather(*(self.pages.full_text(link) for link in links))
        return {link: text for link, text in zip(links, texts, strict=True) if text}

    async def _process(
        self, feed: Feed, parsed: ParsedFeed, plan: Plan, pages: Mapping[str, str]
    ) -> tuple[list[NewArticle], list[ArticleUpdate]]:
        """The plan's entries as clean, classified articles (CPU work, off the event loop)."""
        if not plan.entries:
            return [], []
        # Cleaned even when stored: a title saved before titles were cleaned may be anything.
        source = (
            source_name(feed.title)
            or source_name(parsed.title)
            or host_of(feed.url)
            or feed.url[:MAX_SOURCE_CHARS]
        )
        now = self.clock()
        return await asyncio.to_thread(self._articles, plan, pages, source, now, feed.topics)

    def _articles(
        self,
        plan: Plan,
        pages: Mapping[str, str],
        source: str,
        now: datetime,
        feed_topics: tuple[str, ...] = (),
    ) -> tuple[list[NewArticle], list[ArticleUpdate]]:
        def article(entry: Entry) -> NewArticle | None:
            return to_article(
                entry,
                source=source,
                classifier=self.classifier,
                now=now,
                full_text=pages.get(entry.link or ""),
                canonical=plan.canonical.get(entry),
                feed_topics=feed_topics,
            )

        new = [a for a in map(article, plan.fresh) if a]
        updates = [ArticleUpdate(r.id, a) for r in plan.revised if (a := article(r.entry))]
        return new, updates

    async def _fetch(self, feed: Feed) -> FetchResult:
        if feed.url.startswith("file://"):
            path = Path(urlsplit(feed.url).path)
            try:
                return FetchResult(feed.url, FeedStatus.OK, path.read_bytes())
            except OSError as exc:
                return FetchResult(feed.url, FeedStatus.UNREADABLE, error=f"{exc.strerror}: {path}")
        return await self.fetcher.fetch(feed.url, etag=feed.etag, last_modified=feed.last_modified)

    async def _answered(
        self,
        feed: Feed,
        result: FetchResult,
        *,
        status: str,
        parsed: ParsedFeed | None = None,
        body_hash: str | None = None,
        remember_validators: bool = True,
    ) -> None:
        """The feed answered: keep the validators it sent, schedule the next check."""
        now = self.clock()
        kept = validators(
            feed, result.headers, not_modified=result.status == FeedStatus.NOT_MODIFIED
        )
        if not remember_validators:
            kept = Validators()
        hints = [cache_hint(result.headers, now), parsed.ttl if parsed else None]
        await self.feeds.record_success(
            feed.id,
            status=status,
            title=source_name(parsed.title) if parsed else None,
            etag=kept.etag,
            last_modified=kept.last_modified,
            next_check_at=self.timing.after_success(now, hints),
            body_hash=body_hash,
            site_url=parsed.site_url if parsed else None,
        )

    async def _failed(
        self, feed: Feed, status: str, error: str, *, retry_after: float | None = None
    ) -> FeedReport:
        """Count the failure, back the next check off; 410 Gone disables the feed."""
        gone = status == FeedStatus.GONE
        if gone:
            error = f"{error}: the publisher removed this feed; it is disabled"
        next_check = self.timing.after_failure(self.clock(), feed.error_count + 1, retry_after)
        await self.feeds.record_failure(
            feed.id, status=status, error=error, next_check_at=next_check, disable=gone
        )
        log.info("%s: %s (%s)", feed.url, status, error)
        return FeedReport(feed.url, status, error=error)

    async def check(self, url: str, *, discover: bool = True) -> FeedCheck:
        """Fetch an address once, as /addfeed does before saving it; nothing is stored.

        An HTML page that announces a feed (<link rel="alternate">) leads to that feed.
        """
        result = await self.fetcher.fetch(url)
        if not result.ok:
            return FeedCheck(url, result.status, error=result.error)
        try:
            parsed = await self._parse(result)
        except ParseFailed as exc:
            return FeedCheck(url, exc.status, error=exc.reason)
        if parsed.is_feed:
            return FeedCheck(
                result.moved_to or url,
                FeedStatus.OK,
                title=source_name(parsed.title),
                entries=len(parsed.entries),
                language=await asyncio.to_thread(feed_language, parsed.entries),
            )
        links = [urljoin(result.url, link) for link in parsed.feed_links]
        if discover and links and is_web_url(links[0]):
            return await self.check(links[0], discover=False)
        return FeedCheck(url, FeedStatus.NOT_A_FEED, error=_not_a_feed(parsed, result.url))

    async def prune(self, retention: timedelta) -> tuple[int, int]:
        """Drop articles older than `retention` and tombstones no feed carries any more."""
        now = self.clock()
        articles = await self.articles.prune(now - retention)
        tombstones = await self.articles.prune_tombstones(now - max(retention, TOMBSTONE_KEEP))
        if articles or tombstones:
            log.info("pruned %d articles and %d stale tombstones", articles, tombstones)
        return articles, tombstones


def _teasers(entries: Iterable[Entry], limit: int) -> list[Entry]:
    """The first `limit` entries whose feed carries only a short summary (run in a thread)."""
    return list(itertools.islice(filter(_is_teaser, entries), limit))


def _is_teaser(entry: Entry) -> bool:
    """The feed carries only a short summary of this item (markup is never shorter than text)."""
    return len(entry.content_html) < SHORT_TEXT_CHARS or is_short(html_to_text(entry.content_html))


def _not_a_feed(parsed: ParsedFeed, url: str) -> str:
    if parsed.feed_links:
        return (
            f"an HTML page, not a feed; it links to the feed {urljoin(url, parsed.feed_links[0])}"
        )
    return "the address returned a page that is not an RSS, Atom or JSON feed"
