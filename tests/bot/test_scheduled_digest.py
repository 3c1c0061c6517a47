"""The daily digest: sent at the reader's local time, once per day, across restarts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.delivery.outbox import outbox_of
from bot.models import DigestKind
from tests.bot.digest_scenes import Scene, ingest, tick, undated
from tests.bot.harness import FakeClock, Harness
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.feed_server import FeedServer
from tests.feeds import SEED_URL, seed_item

READER = 2001
# 07:30 in Baku (UTC+4) is 03:30 UTC.
BEFORE = datetime(2026, 11, 30, 3, 29, tzinfo=UTC)
AT = datetime(2026, 11, 30, 3, 30, 5, tzinfo=UTC)
PERIOD = "2026-11-30T07:30"  # the ledger's name for that digest


@pytest.fixture
def scene(fake_bot_api: FakeBotAPI, feed_server: FeedServer, tmp_path: Path) -> Scene:
    """A minute before the reader's digest time; the bot not started yet."""
    return Scene(fake_bot_api, feed_server, tmp_path, FakeClock(BEFORE))


async def prepare(scene: Scene, bot: Harness) -> None:
    """A reader in Baku on the South Caucasus, digest at 07:30; the seed article came at 04:30."""
    await ingest(bot, scene.feeds, "news", [undated(seed_item())], at=AT - timedelta(hours=3))
    await bot.say(READER, "/subscribe جنوب القوقاز")
    await bot.say(READER, "/timezone Asia/Baku")
    await bot.say(READER, "/time 07:30")


async def status(bot: Harness) -> str | None:
    return await bot.services.deliveries.status(READER, DigestKind.SCHEDULED, PERIOD)


def digests_to(api: FakeBotAPI) -> list[dict[str, object]]:
    return [m for m in api.messages_to(READER) if SEED_URL in str(m.get("html"))]


async def test_digest_arrives_once_at_local_time_and_not_again_after_restart(
    scene: Scene,
) -> None:
    async with scene.start() as bot:
        await prepare(scene, bot)
        assert await tick(bot) == {}
        scene.clock.now = AT
        assert await tick(bot) == {"sent": 1}
        assert await tick(bot) == {}  # a second tick
    assert len(digests_to(scene.api)) == 1

    scene.clock.now = AT + timedelta(minutes=1)
    async with scene.start() as bot:
        assert await tick(bot) == {}
        assert await status(bot) == "sent"
    assert len(digests_to(scene.api)) == 1
    assert scene.api.rejected == []


async def test_digest_missed_while_down_is_sent_when_the_bot_returns(scene: Scene) -> None:
    async with scene.start() as bot:
        await prepare(scene, bot)
    scene.clock.now = AT + timedelta(hours=1)  # down at 07:30, back at 08:30
    async with scene.start() as bot:
        assert await tick(bot) == {"sent": 1}


async def test_a_send_interrupted_by_a_crash_is_not_repeated(scene: Scene) -> None:
    scene.clock.now = AT
    async with scene.start() as bot:
        await prepare(scene, bot)
        # What a kill -9 between "sending" and "sent" leaves behind.
        delivery_id = await bot.services.deliveries.claim(READER, DigestKind.SCHEDULED, PERIOD)
        assert delivery_id is not None
        await bot.services.deliveries.mark(delivery_id, "sending")
    async with scene.start() as bot:
        assert await status(bot) == "uncertain"
        assert await tick(bot) == {}
    assert digests_to(scene.api) == []


async def test_a_claim_that_sent_nothing_is_retried_after_restart(scene: Scene) -> None:
    scene.clock.now = AT
    async with scene.start() as bot:
        await prepare(scene, bot)
        assert await bot.services.deliveries.claim(READER, DigestKind.SCHEDULED, PERIOD) is not None
    async with scene.start() as bot:
        assert await tick(bot) == {"sent": 1}
    assert len(digests_to(scene.api)) == 1


async def test_paused_reader_gets_nothing(scene: Scene) -> None:
    async with scene.start() as bot:
        await prepare(scene, bot)
        await bot.say(READER, "/pause")
        scene.clock.now = AT
        assert await tick(bot) == {}
    assert digests_to(scene.api) == []


async def test_reader_who_blocked_the_bot_is_marked_inactive(scene: Scene) -> None:
    async with scene.start() as bot:
        await prepare(scene, bot)
        scene.api.block(READER)
        scene.clock.now = AT
        assert await tick(bot) == {"blocked": 1}
        chat = await bot.services.chats.get(READER)
        assert chat is not None and not chat.active
        scene.clock.now = AT + timedelta(days=1)
        assert await tick(bot) == {}  # never retried
        await bot.say(READER, "/start")  # coming back makes them active again
        chat = await bot.services.chats.get(READER)
        assert chat is not None and chat.active


async def test_jobs_are_scheduled_from_settings(fake_bot_api: FakeBotAPI, tmp_path: Path) -> None:
    from bot.app import build_application
    from bot.config import load_settings

    settings = load_settings(
        bot_token=fake_bot_api.token,
        telegram_api_url=fake_bot_api.url,
        database_path=tmp_path / "x.db",
        ingest_interval_minutes=7,
    )
    app = build_application(settings)
    assert app.job_queue is not None
    jobs = {job.name: job for job in app.job_queue.jobs()}
    assert set(jobs) == {"ingest", "digests", "prune", "heartbeat"}
    # The tick runs every minute; INGEST_INTERVAL_MINUTES is each feed's own interval
    # (tests/ingest/test_feed_management.py checks it reaches the ingestor).
    assert jobs["ingest"].trigger.interval == timedelta(minutes=1)  # type: ignore[attr-defined]


async def test_digest_stopped_by_shutdown_before_it_left_is_sent_after_restart(
    scene: Scene,
) -> None:
    async with scene.start() as bot:
        await prepare(scene, bot)
        scene.clock.now = AT
        outbox = outbox_of(bot.app.bot)
        assert outbox is not None
        await outbox.shutdown()  # what stopping the bot does to requests still waiting
        assert await tick(bot) == {"error": 1}
        assert await status(bot) == "pending"
        await outbox.initialize()
    assert digests_to(scene.api) == []
    async with scene.start() as bot:
        assert await tick(bot) == {"sent": 1}
    assert len(digests_to(scene.api)) == 1


async def test_nothing_new_is_silent_unless_the_reader_asked_for_a_note(scene: Scene) -> None:
    async with scene.start() as bot:
        await bot.say(READER, "/subscribe sports")  # no sports article was ingested
        await bot.say(READER, "/timezone Asia/Baku")
        await bot.say(READER, "/time 07:30")
        scene.clock.now = AT
        before = len(scene.api.messages_to(READER))
        assert await tick(bot) == {"empty": 1}
        assert len(scene.api.messages_to(READER)) == before  # silence by default

        assert "رسالة قصيرة" in (await bot.say(READER, "/nothingnew on"))["text"]
        scene.clock.now = AT + timedelta(days=1)
        assert await tick(bot) == {"empty": 1}
        note = scene.api.messages_to(READER)[-1]
        assert note["text"] == "📭 لا جديد في مواضيعك منذ موجزك الأخير."
