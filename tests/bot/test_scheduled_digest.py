"""The daily digest: sent at the reader's local time, once per day, across restarts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.delivery.outbox import outbox_of
from tests.bot.harness import FakeClock, Harness, running
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.feed_server import FeedServer
from tests.feeds import SEED_URL, rss, seed_item

READER = 2001
# 07:30 in Baku (UTC+4) is 03:30 UTC.
BEFORE = datetime(2026, 11, 30, 3, 29, tzinfo=UTC)
AT = datetime(2026, 11, 30, 3, 30, 5, tzinfo=UTC)


async def prepare(bot: Harness, feed_server: FeedServer) -> None:
    url = feed_server.serve("/news.xml", rss([seed_item()]))
    feed, _ = await bot.services.feeds.add(url)
    await bot.services.ingestor.run([feed])
    await bot.services.db.execute(
        "UPDATE articles SET published_at = ?",
        ((AT - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%SZ"),),
    )
    await bot.say(READER, "/subscribe جنوب القوقاز")
    await bot.say(READER, "/timezone Asia/Baku")
    await bot.say(READER, "/time 07:30")


def digests_to(api: FakeBotAPI) -> list[dict[str, object]]:
    return [m for m in api.messages_to(READER) if SEED_URL in str(m.get("html"))]


async def test_digest_arrives_once_at_local_time_and_not_again_after_restart(
    fake_bot_api: FakeBotAPI, feed_server: FeedServer, tmp_path: Path
) -> None:
    clock = FakeClock(BEFORE)
    async with running(fake_bot_api, tmp_path, clock=clock) as bot:
        await prepare(bot, feed_server)
        assert await bot.services.digests.send_due(bot.app.bot) == {}
        clock.now = AT
        assert await bot.services.digests.send_due(bot.app.bot) == {"sent": 1}
        assert await bot.services.digests.send_due(bot.app.bot) == {}  # a second tick
    assert len(digests_to(fake_bot_api)) == 1

    clock.now = AT + timedelta(minutes=1)
    async with running(fake_bot_api, tmp_path, clock=clock) as bot:
        assert await bot.services.digests.send_due(bot.app.bot) == {}
        assert await bot.services.deliveries.status(READER, "digest", "2026-11-30T07:30") == "sent"
    assert len(digests_to(fake_bot_api)) == 1
    assert fake_bot_api.rejected == []


async def test_digest_missed_while_down_is_sent_when_the_bot_returns(
    fake_bot_api: FakeBotAPI, feed_server: FeedServer, tmp_path: Path
) -> None:
    clock = FakeClock(BEFORE)
    async with running(fake_bot_api, tmp_path, clock=clock) as bot:
        await prepare(bot, feed_server)
    clock.now = AT + timedelta(hours=1)  # down at 07:30, back at 08:30
    async with running(fake_bot_api, tmp_path, clock=clock) as bot:
        assert await bot.services.digests.send_due(bot.app.bot) == {"sent": 1}


async def test_a_send_interrupted_by_a_crash_is_not_repeated(
    fake_bot_api: FakeBotAPI, feed_server: FeedServer, tmp_path: Path
) -> None:
    clock = FakeClock(AT)
    async with running(fake_bot_api, tmp_path, clock=clock) as bot:
        await prepare(bot, feed_server)
        # What a kill -9 between "sending" and "sent" leaves behind.
        delivery_id = await bot.services.deliveries.claim(READER, "digest", "2026-11-30T07:30")
        assert delivery_id is not None
        await bot.services.deliveries.mark(delivery_id, "sending")
    async with running(fake_bot_api, tmp_path, clock=clock) as bot:
        assert (
            await bot.services.deliveries.status(READER, "digest", "2026-11-30T07:30")
            == "uncertain"
        )
        assert await bot.services.digests.send_due(bot.app.bot) == {}
    assert digests_to(fake_bot_api) == []


async def test_a_claim_that_sent_nothing_is_retried_after_restart(
    fake_bot_api: FakeBotAPI, feed_server: FeedServer, tmp_path: Path
) -> None:
    clock = FakeClock(AT)
    async with running(fake_bot_api, tmp_path, clock=clock) as bot:
        await prepare(bot, feed_server)
        assert await bot.services.deliveries.claim(READER, "digest", "2026-11-30T07:30") is not None
    async with running(fake_bot_api, tmp_path, clock=clock) as bot:
        assert await bot.services.digests.send_due(bot.app.bot) == {"sent": 1}
    assert len(digests_to(fake_bot_api)) == 1


async def test_paused_reader_gets_nothing(
    fake_bot_api: FakeBotAPI, feed_server: FeedServer, tmp_path: Path
) -> None:
    clock = FakeClock(BEFORE)
    async with running(fake_bot_api, tmp_path, clock=clock) as bot:
        await prepare(bot, feed_server)
        await bot.say(READER, "/pause")
        clock.now = AT
        assert await bot.services.digests.send_due(bot.app.bot) == {}
    assert digests_to(fake_bot_api) == []


async def test_reader_who_blocked_the_bot_is_marked_inactive(
    fake_bot_api: FakeBotAPI, feed_server: FeedServer, tmp_path: Path
) -> None:
    clock = FakeClock(BEFORE)
    async with running(fake_bot_api, tmp_path, clock=clock) as bot:
        await prepare(bot, feed_server)
        fake_bot_api.block(READER)
        clock.now = AT
        assert await bot.services.digests.send_due(bot.app.bot) == {"blocked": 1}
        user = await bot.services.chats.get(READER)
        assert user is not None and not user.active
        clock.now = AT + timedelta(days=1)
        assert await bot.services.digests.send_due(bot.app.bot) == {}  # never retried
        await bot.say(READER, "/start")  # coming back makes them active again
        user = await bot.services.chats.get(READER)
        assert user is not None and user.active


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
    assert set(jobs) == {"ingest", "digests", "prune"}
    # The tick runs every minute; INGEST_INTERVAL_MINUTES is each feed's own interval
    # (tests/ingest/test_feed_management.py checks it reaches the ingestor).
    assert jobs["ingest"].trigger.interval == timedelta(minutes=1)  # type: ignore[attr-defined]


async def test_digest_stopped_by_shutdown_before_it_left_is_sent_after_restart(
    fake_bot_api: FakeBotAPI, feed_server: FeedServer, tmp_path: Path
) -> None:
    clock = FakeClock(BEFORE)
    async with running(fake_bot_api, tmp_path, clock=clock) as bot:
        await prepare(bot, feed_server)
        clock.now = AT
        outbox = outbox_of(bot.app.bot)
        assert outbox is not None
        await outbox.shutdown()  # what stopping the bot does to requests still waiting
        assert await bot.services.digests.send_due(bot.app.bot) == {"error": 1}
        assert await bot.services.deliveries.status(READER, "digest", "2026-11-30T07:30") == (
            "pending"
        )
        await outbox.initialize()
    assert digests_to(fake_bot_api) == []
    async with running(fake_bot_api, tmp_path, clock=clock) as bot:
        assert await bot.services.digests.send_due(bot.app.bot) == {"sent": 1}
    assert len(digests_to(fake_bot_api)) == 1


async def test_nothing_new_is_silent_unless_the_reader_asked_for_a_note(
    fake_bot_api: FakeBotAPI, tmp_path: Path
) -> None:
    clock = FakeClock(BEFORE)
    async with running(fake_bot_api, tmp_path, clock=clock) as bot:
        await bot.say(READER, "/subscribe sports")  # no sports article was ingested
        await bot.say(READER, "/timezone Asia/Baku")
        await bot.say(READER, "/time 07:30")
        clock.now = AT
        before = len(fake_bot_api.messages_to(READER))
        assert await bot.services.digests.send_due(bot.app.bot) == {"empty": 1}
        assert len(fake_bot_api.messages_to(READER)) == before  # silence by default

        assert "رسالة قصيرة" in (await bot.say(READER, "/nothingnew on"))["text"]
        clock.now = AT + timedelta(days=1)
        assert await bot.services.digests.send_due(bot.app.bot) == {"empty": 1}
        note = fake_bot_api.messages_to(READER)[-1]
        assert note["text"] == "📭 لا جديد في مواضيعك منذ موجزك الأخير."
