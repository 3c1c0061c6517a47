"""Adding, removing, importing and exporting feeds: one place for the CLI and the admin commands.

A feed added by hand is fetched once first, so a typo, a login page or a dead
address is refused with its reason instead of failing quietly every ten
minutes; a site's home page that announces its feed leads to that feed. The trial
also finds the language most of its items are in, so an admin can be asked before a
feed in another language is added (its items reach only readers of that language).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from bot.core.clean import source_name
from bot.core.urls import is_web_url
from bot.ingest.feedlist import FeedSpec, to_opml
from bot.ingest.pipeline import FeedCheck, Ingestor
from bot.models import Feed
from storage.articles import ArticleRepository
from storage.feeds import FeedRepository

OTHER_LANGUAGE = "other-language"  # not saved: the caller asks first (see FeedManager.add)
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Added:
    """What became of one address: `feed` is set when it is (or already was) a feed of ours."""

    url: str
    outcome: str  # "added", "exists", "bad-url", OTHER_LANGUAGE, or the failed check's status
    feed: Feed | None = None
    check: FeedCheck | None = None

    @property
    def error(self) -> str | None:
        return self.check.error if self.check else None


@dataclass
class Imported:
    added: list[Feed] = field(default_factory=list)
    existing: list[Feed] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)  # addresses that are not http(s)


class FeedManager:
    def __init__(
        self, feeds: FeedRepository, articles: ArticleRepository, ingestor: Ingestor
    ) -> None:
        self.feeds = feeds
        self.articles = articles
        self.ingestor = ingestor

    def topic_ids(self, labels: Iterable[str]) -> tuple[tuple[str, ...], list[str]]:
        """A feed's declared section as topic ids (an id or a topic's name in any case or
        language), and the labels no topic answers to."""
        catalog = self.ingestor.classifier.catalog
        ids: dict[str, None] = {}
        unknown = []
        for label in labels:
            topic = catalog.find(label)
            if topic is None:
                unknown.append(label)
            else:
                ids[topic.id] = None
        return tuple(ids), unknown

    async def add(
        self,
        url: str,
        *,
        name: str | None = None,
        check: bool = True,
        confirm_language: bool = False,
        topics: tuple[str, ...] = (),
    ) -> Added:
        """Validate (fetch once unless `check` is off) and save an address as a feed;
        `topics`: its declared section, as topic ids.

        With `confirm_language`, a feed whose items are mostly not in Arabic is not
        saved: the outcome is OTHER_LANGUAGE with the check, to be confirmed by a
        second call without it (and without `check`, since the trial was made).
        """
        url = url.strip()
        if not is_web_url(url):
            return Added(url, "bad-url")
        existing = await self.feeds.by_url(url)
        if existing:
            return Added(url, "exists", existing)
        trial = None
        if check:
            trial = await self.ingestor.check(url)
            if not trial.ok:
                return Added(url, trial.status, check=trial)
            url = trial.url
            existing = await self.feeds.by_url(url)
            if existing:
                return Added(url, "exists", existing, trial)
            if confirm_language and trial.language and not trial.language.arabic:
                return Added(url, OTHER_LANGUAGE, check=trial)
        title = source_name(name) or (trial.title if trial else None)  # the check cleaned its own
        feed, created = await self.feeds.add(url, title, topics)
        return Added(url, "added" if created else "exists", feed, trial)

    async def remove(self, feed_id: int) -> tuple[Feed, int] | None:
        """Delete a feed and its articles; (the feed, how many articles went) or None."""
        feed = await self.feeds.get(feed_id)
        if feed is None:
            return None
        articles = await self.articles.count_for_feed(feed_id)
        await self.feeds.remove(feed_id)
        return feed, articles

    async def import_specs(self, specs: Iterable[FeedSpec]) -> Imported:
        """Add every listed feed not known yet (each is checked on its first fetch)."""
        result = Imported()
        for spec in specs:
            if not is_web_url(spec.url):
                result.rejected.append(spec.url)
                continue
            topics, unknown = self.topic_ids(spec.topics)
            if unknown:
                log.warning("%s: no topic is called %s", spec.url, ", ".join(unknown))
            feed, created = await self.feeds.add(spec.url, source_name(spec.name), topics)
            (result.added if created else result.existing).append(feed)
        return result

    async def export_opml(self, *, title: str, now: datetime) -> str:
        feeds = await self.feeds.all()
        specs = [FeedSpec(f.url, f.title, f.site_url, f.topics) for f in feeds if is_web_url(f.url)]
        return to_opml(specs, title=title, created=now)
