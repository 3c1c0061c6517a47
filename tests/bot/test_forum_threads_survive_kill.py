"""A forum digest killed between two topic threads goes on after a restart: the section
already sent is not sent again, the other one is, to its own thread.

The bot runs in its own process (tests/bot/clocked_bot.py) against the fake Bot API in
this one, which lets the forum one message a minute (GROUP_SEND_RATE=1), so once the
first section is recorded as sent in the database, the second is still waiting in the
outbox: the SIGKILL falls between the sections. The restarted bot's first message to the
forum leaves at once.
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
from tests.bot.clocked_bot import spawn
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.feed_server import FeedServer
from tests.feeds import rss

FORUM = -1006200
MINUTE = datetime(2026, 11, 30, 7, 30, tzinfo=UTC)  # the forum's digest time (UTC zone)
THREADS = {"south_caucasus": 101, "sports": 102}
ITEMS = [
    (
        "أذربيجان وأرمينيا تتفقان على ترسيم قطاع جديد من الحدود",
        "اتفقت لجنتا ترسيم الحدود بين أذربيجان وأرمينيا على ترسيم قطاع جديد.",
    ),
    (
        "المنتخب المغربي يتأهل إلى نهائيات كأس أمم أفريقيا",
        "حجز المنتخب المغربي بطاقة التأهل إلى نهائيات كأس أمم أفريقيا بعد فوزه بثلاثية.",
    ),
]


async def prepare(db: TestDatabase, feed_server: FeedServer) -> None:
    services = await Services.create(
        load_settings(**db.settings(), bot_token=None, allow_private_feeds=True)
    )
    try:
        items = [
            {"title": t, "link": f"https://alpha.example/{n}", "guid": f"a{n}", "description": d}
            for n, (t, d) in enumerate(ITEMS)
        ]
        feed, _ = await services.feeds.add(feed_server.serve("/news.xml", rss(items)))
        await services.ingestor.run([feed])
        published = (MINUTE - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        await services.db.execute("UPDATE articles SET published_at = ?", (published,))
        chats = services.chats
        await chats.ensure(FORUM, language="ar", timezone="UTC", chat_type="supergroup")
        await chats.update(FORUM, schedule=Schedule(times=(time(7, 30),)))
        for topic, thread in THREADS.items():
            await chats.subscribe(FORUM, topic)
            await services.digests.threads.keep(FORUM, topic, thread)
        await services.digests.threads.switch(FORUM, True)
    finally:
        await services.close()


def sections(db: TestDatabase) -> list[str]:
    return [r[0] for r in db.rows("SELECT status FROM digest_sections ORDER BY seq")]


def ledger(db: TestDatabase) -> list[str]:
    return [r[0] for r in db.rows("SELECT status FROM deliveries")]


def digests(api: FakeBotAPI) -> list[dict[str, object]]:
    return [m for m in api.messages_to(FORUM) if str(m.get("text")).startswith("📰")]


async def start(
    api: FakeBotAPI, db: TestDatabase, workdir: Path, at: datetime
) -> asyncio.subprocess.Process:
    env = {
        **db.env(),
        "ALLOW_PRIVATE_FEEDS": "1",
        "MUJAZ_TEST_CLOCK_START": at.isoformat(),
        "MUJAZ_TEST_TICK": "0.2",
        "GROUP_SEND_RATE": "1",  # a message a minute to the forum: the kill falls between
    }
    return await spawn(api, workdir, workdir / f"bot-{at:%H%M%S}.log", env)


async def kill(process: asyncio.subprocess.Process) -> None:
    process.send_signal(signal.SIGKILL)
    await process.wait()


async def test_a_forum_digest_killed_between_threads_sends_the_rest_once_after_restart(
    fake_bot_api: FakeBotAPI, feed_server: FeedServer, tmp_path: Path, database: TestDatabase
) -> None:
    db = database
    await prepare(db, feed_server)
    fake_bot_api.add_chat(FORUM, "supergroup", title="منتدى", is_forum=True)
    for thread in THREADS.values():
        fake_bot_api.add_thread(FORUM, thread)

    bot = await start(fake_bot_api, db, tmp_path, MINUTE - timedelta(seconds=2))
    try:
        await fake_bot_api.wait_for(lambda: sections(db)[:1] == ["sent"], timeout=30)
    finally:
        await kill(bot)
    assert sections(db) == ["sent", "pending"]  # killed between the two sections
    first = digests(fake_bot_api)
    assert len(first) == 1

    bot = await start(fake_bot_api, db, tmp_path, MINUTE + timedelta(seconds=30))
    try:
        await fake_bot_api.wait_for(lambda: ledger(db) == ["sent"], timeout=30)
        await asyncio.sleep(1)  # a few more ticks: nothing more comes
    finally:
        await kill(bot)
    sent = digests(fake_bot_api)
    assert len(sent) == 2  # the first section once, the second once
    assert sorted(m.get("message_thread_id") for m in sent) == sorted(THREADS.values())
    assert sections(db) == ["sent", "sent"]
    assert fake_bot_api.rejected == []
