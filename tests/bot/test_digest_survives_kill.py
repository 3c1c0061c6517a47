"""A scheduled digest survives SIGKILL: the bot killed before the reader's minute and
started again after it sends the digest once, and a later restart does not repeat it.

The bot runs in its own process (tests/bot/clocked_bot.py: the real Application with a
clock that starts where the test says) against the fake Bot API in this one. It records
each digest tick as it ends, so the test waits for ticks, not for time to pass.
"""

from __future__ import annotations

import asyncio
import signal
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from bot.config import load_settings
from bot.context import Services
from bot.models import Schedule
from tests.backends import TestDatabase
from tests.bot.clocked_bot import Standby, launch, release
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.feed_server import FeedServer
from tests.feeds import SEED_URL, rss, seed_item

READER = 4001
MINUTE = datetime(2026, 11, 30, 7, 30, tzinfo=UTC)  # the reader's digest time (UTC zone)
TICK = 0.1  # seconds between digest ticks


async def prepare(database: TestDatabase, feed_server: FeedServer) -> None:
    services = await Services.create(
        load_settings(**database.settings(), bot_token=None, allow_private_feeds=True)
    )
    try:
        feed, _ = await services.feeds.add(feed_server.serve("/news.xml", rss([seed_item()])))
        await services.ingestor.run([feed])
        published = (MINUTE - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        await services.db.execute("UPDATE articles SET published_at = ?", (published,))
        await services.chats.ensure(READER, language="ar", timezone="UTC")
        await services.chats.update(READER, schedule=Schedule(times=(time(7, 30),)))
        await services.chats.subscribe(READER, "south_caucasus")
    finally:
        await services.close()


async def launch_at(
    api: FakeBotAPI, database: TestDatabase, clock_start: datetime, record: Path
) -> Standby:
    """A start of the bot, launched ahead (it imports meanwhile); its clock starts at
    `clock_start` when it is released."""
    workdir = record.parent
    env = {
        **database.env(),
        "ALLOW_PRIVATE_FEEDS": "1",  # the feed server is on 127.0.0.1
        "MUJAZ_TEST_CLOCK_START": clock_start.isoformat(),
        "MUJAZ_TEST_TICK": str(TICK),
        "MUJAZ_TEST_RECORD": str(record),
    }
    return await launch(workdir, workdir / f"bot-{clock_start:%H%M%S}.log", env, api)


async def kill(process: asyncio.subprocess.Process) -> None:
    process.send_signal(signal.SIGKILL)
    await process.wait()


def digests(api: FakeBotAPI) -> int:
    return sum(1 for m in api.messages_to(READER) if SEED_URL in str(m.get("html")))


def ticks(record: Path) -> list[datetime]:
    """The bot's clock at the end of each digest tick it ran so far."""
    if not record.exists():
        return []
    lines = record.read_text().splitlines()
    return [datetime.fromisoformat(line.split()[1]) for line in lines if line.startswith("tick ")]


async def wait_for_ticks(api: FakeBotAPI, record: Path, count: int) -> list[datetime]:
    await api.wait_for(lambda: len(ticks(record)) >= count, timeout=30)
    return ticks(record)


async def test_killed_across_the_minute_the_digest_comes_once_after_start(
    fake_bot_api: FakeBotAPI, feed_server: FeedServer, tmp_path: Path, database: TestDatabase
) -> None:
    await prepare(database, feed_server)
    fake_bot_api.add_chat(READER)

    before, after, later = (tmp_path / f"ticks-{name}" for name in ("before", "after", "later"))
    starts = [
        await launch_at(fake_bot_api, database, MINUTE - timedelta(seconds=60), before),
        # down at 07:30
        await launch_at(fake_bot_api, database, MINUTE + timedelta(seconds=40), after),
        await launch_at(fake_bot_api, database, MINUTE + timedelta(seconds=90), later),
    ]
    try:
        bot = await release(fake_bot_api, starts[0])
        seen = await wait_for_ticks(fake_bot_api, before, 3)  # a few ticks, before the minute
        await kill(bot)
        assert all(tick < MINUTE for tick in seen)
        assert digests(fake_bot_api) == 0

        bot = await release(fake_bot_api, starts[1])
        await fake_bot_api.wait_for(lambda: digests(fake_bot_api) >= 1, timeout=20)
        await wait_for_ticks(fake_bot_api, after, len(ticks(after)) + 3)  # several more ticks
        assert digests(fake_bot_api) == 1
        await kill(bot)

        bot = await release(fake_bot_api, starts[2])
        await wait_for_ticks(fake_bot_api, later, 3)
        await kill(bot)
        assert digests(fake_bot_api) == 1
        assert fake_bot_api.rejected == []
    finally:
        for start in starts:
            await start.kill()
