"""What the digest tests set up again and again: a bot that can be stopped and started on
one database and one clock, articles that arrive at a chosen moment, a schedule tick."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tests.bot.harness import FakeClock, Harness, running
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.feed_server import FeedServer
from tests.feeds import rss


@dataclass
class Scene:
    """One test's world: the fake Bot API, the feed server, the database, the clock."""

    api: FakeBotAPI
    feeds: FeedServer
    tmp_path: Path
    clock: FakeClock

    def start(self) -> AbstractAsyncContextManager[Harness]:
        """The bot running for a block; a later block is the same bot after a restart."""
        return running(self.api, self.tmp_path, clock=self.clock)


def undated(item: dict[str, str]) -> dict[str, str]:
    """The item without a date, so it is stamped with the moment it arrives (the clock)."""
    return {key: value for key, value in item.items() if key != "pubDate"}


async def ingest(
    bot: Harness,
    feeds: FeedServer,
    name: str,
    items: list[dict[str, str]],
    *,
    at: datetime | None = None,
) -> None:
    """Serve the items as the feed `name` and ingest it, at `at` when given (undated items
    are then published at `at`); the clock is back where it was afterwards."""
    was = bot.clock.now
    bot.clock.now = at or was
    try:
        url = feeds.serve(f"/{name}.xml", rss(items, title=name))
        feed, _ = await bot.services.feeds.add(url, name)
        await bot.services.ingestor.run([feed])
    finally:
        bot.clock.now = was


async def tick(bot: Harness) -> dict[str, int]:
    """One schedule tick's digests: how many ended in each status."""
    return await bot.services.digests.send_due(bot.app.bot)
