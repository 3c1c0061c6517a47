"""A scheduled digest survives SIGKILL: the bot killed before the reader's minute and
started again after it sends the digest once, and a later restart does not repeat it.

The bot runs in its own process (tests/bot/clocked_bot.py: the real Application with a
clock that starts where the test says) against the fake Bot API in this one.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from bot.config import load_settings
from bot.context import Services
from bot.models import Schedule
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.feed_server import FeedServer
from tests.feeds import SEED_URL, rss, seed_item
from tests.paths import ROOT

READER = 4001
MINUTE = datetime(2026, 11, 30, 7, 30, tzinfo=UTC)  # the reader's digest time (UTC zone)


async def prepare(db: Path, feed_server: FeedServer) -> None:
    services = await Services.create(
        load_settings(database_path=db, bot_token=None, allow_private_feeds=True)
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


async def start(api: FakeBotAPI, db: Path, clock_start: datetime) -> asyncio.subprocess.Process:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),
        "BOT_TOKEN": api.token,
        "TELEGRAM_API_URL": api.url,
        "DATABASE_PATH": str(db),
        "FEEDS_FILE": "/dev/null",
        "ALLOW_PRIVATE_FEEDS": "1",  # the feed server is on 127.0.0.1
        "MUJAZ_TEST_CLOCK_START": clock_start.isoformat(),
        "MUJAZ_TEST_TICK": "0.3",
    }
    polls = sum(1 for method, _ in api.requests if method == "getUpdates")
    log = (db.parent / f"bot-{clock_start:%H%M%S}.log").open("wb")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.bot.clocked_bot",
        env=env,
        cwd=db.parent,
        stdout=log,
        stderr=log,
    )
    await api.wait_for(
        lambda: sum(1 for method, _ in api.requests if method == "getUpdates") > polls, timeout=30
    )
    return process


async def kill(process: asyncio.subprocess.Process) -> None:
    process.send_signal(signal.SIGKILL)
    await process.wait()


def digests(api: FakeBotAPI) -> int:
    return sum(1 for m in api.messages_to(READER) if SEED_URL in str(m.get("html")))


async def test_killed_across_the_minute_the_digest_comes_once_after_start(
    fake_bot_api: FakeBotAPI, feed_server: FeedServer, tmp_path: Path
) -> None:
    db = tmp_path / "mujaz.db"
    await prepare(db, feed_server)
    fake_bot_api.add_chat(READER)

    bot = await start(fake_bot_api, db, MINUTE - timedelta(seconds=20))
    await asyncio.sleep(1)  # a few ticks, all before the minute
    await kill(bot)
    assert digests(fake_bot_api) == 0

    bot = await start(fake_bot_api, db, MINUTE + timedelta(seconds=40))  # it was down at 07:30
    try:
        await fake_bot_api.wait_for(lambda: digests(fake_bot_api) >= 1, timeout=20)
        await asyncio.sleep(1.5)  # several more ticks
        assert digests(fake_bot_api) == 1
    finally:
        await kill(bot)

    bot = await start(fake_bot_api, db, MINUTE + timedelta(seconds=90))
    await asyncio.sleep(1.5)
    await kill(bot)
    assert digests(fake_bot_api) == 1
    assert fake_bot_api.rejected == []
