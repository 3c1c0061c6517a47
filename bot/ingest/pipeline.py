"""One ingestion pass: fetch → parse → process → store, per feed, feeds side by side.

Reads top to bottom like the data flow. One feed's failure is recorded as that
feed's status and never stops the pass.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx

from bot.core.topics import Classifier
from bot.ingest.fetch import FetchResult, fetch
from bot.ingest.parse import parse
from bot.ingest.process import to_article
from bot.models import Feed
from storage.articles import ArticleRepository
from storage.db import utc_now
from storage.feeds import FeedRepository

log = logging.getLogger(__name__)
CONCURRENCY = 8


@dataclass(frozen=True)
class FeedReport:
    url: str
    status: str
    entries: int = 0
    new: int = 0
    error: str | None = None

    def as_json(self) -> dict[str, object]:
        return {k: v for k, v in asdict(self).items() if k != "error" or v}


class Ingestor:
    def __init__(
        self,
        feeds: FeedRepository,
        articles: ArticleRepository,
        classifier: Classifier,
        client: httpx.AsyncClient,
    ) -> None:
        self.feeds = feeds
        self.articles = articles
        self.classifier = classifier
        self.client = client

    async def run(
        self,
        feeds: Iterable[Feed] | None = None,
        *,
        on_done: Callable[[FeedReport], None] | None = None,
    ) -> list[FeedReport]:
        """Ingest the given feeds (all enabled ones by default); reports in the feeds' order."""
        targets = list(feeds) if feeds is not None else await self.feeds.all(enabled_only=True)
        gate = asyncio.Semaphore(CONCURRENCY)

        async def one(feed: Feed) -> FeedReport:
            async with gate:
                report = await self.ingest(feed)
            if on_done:
                on_done(report)
            return report

        return list(await asyncio.gather(*(one(f) for f in targets)))

    async def ingest(self, feed: Feed) -> FeedReport:
        try:
            return await self._ingest(feed)
        except Exception as exc:  # one feed never stops the pass
            log.exception("ingesting %s failed", feed.url)
            await self.feeds.record_failure(feed.id, status="error", error=repr(exc))
            return FeedReport(feed.url, "error", error=repr(exc)[:300])

    async def _ingest(self, feed: Feed) -> FeedReport:
        result = await self._fetch(feed)
        if result.status == "not-modified":
            await self._record_success(feed, result, status="not-modified", title=None)
            return FeedReport(feed.url, "not-modified")
        if not result.ok:
            await self.feeds.record_failure(feed.id, status=result.status, error=result.error or "")
            return FeedReport(feed.url, result.status, error=result.error)

        parsed = await parse(result.body, url=result.url, headers=result.headers)
        if not parsed.is_feed:
            error = "the address returned a page that is not an RSS or Atom feed"
            await self.feeds.record_failure(feed.id, status="not-a-feed", error=error)
            return FeedReport(feed.url, "not-a-feed", error=error)

        now = utc_now()
        source = feed.title or parsed.title or feed.url
        articles = [
            a
            for e in parsed.entries
            if (a := to_article(e, source=source, classifier=self.classifier, now=now))
        ]
        new = await self.articles.add_many(feed.id, articles)
        await self._record_success(feed, result, status="ok", title=parsed.title)
        log.info("%s: %d entries, %d new", feed.url, len(parsed.entries), new)
        return FeedReport(feed.url, "ok", entries=len(parsed.entries), new=new)

    async def _fetch(self, feed: Feed) -> FetchResult:
        if feed.url.startswith("file://"):
            path = Path(feed.url.removeprefix("file://"))
            try:
                return FetchResult(feed.url, "ok", path.read_bytes())
            except OSError as exc:
                return FetchResult(feed.url, "unreadable", error=f"{exc.strerror}: {path}")
        return await fetch(self.client, feed.url, etag=feed.etag, last_modified=feed.last_modified)

    async def _record_success(
        self, feed: Feed, result: FetchResult, *, status: str, title: str | None
    ) -> None:
        await self.feeds.record_success(
            feed.id,
            status=status,
            title=title,
            etag=result.headers.get("etag") or feed.etag,
            last_modified=result.headers.get("last-modified") or feed.last_modified,
        )
