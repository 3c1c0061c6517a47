"""Alerts reach ALERT_CHAT_ID (the first admin by default) through the running bot:
unhandled errors with their traceback, failing and disabled feeds, an outbox held by
429s, uncertain deliveries at start and failed backups; once per kind of trouble."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.ext import CommandHandler

from bot.backups import backup_now
from bot.context import MujazContext
from bot.delivery.outbox import Outbox
from bot.jobs import heartbeat_tick, ingest_tick
from bot.ops.alerts import Alerts, alerts_of
from storage.db import Database
from tests.bot.harness import Harness, running
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.bot_api.protocol import UploadedFile
from tests.fakes.feed_server import FeedServer

ADMIN, SECOND_ADMIN = 42, 43
A_TOKEN = "7000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"  # the shape of a real bot token


@pytest.fixture
async def bot(fake_bot_api: FakeBotAPI, tmp_path: Path) -> AsyncIterator[Harness]:
    async with running(fake_bot_api, tmp_path, admin_ids="42,43", alert_feed_failures=2) as harness:
        await harness.say(ADMIN, "/start", language="en")  # the admin chat reads English
        yield harness


def alerts(bot: Harness) -> Alerts:
    found = alerts_of(bot.app)
    assert found is not None
    return found


def sent_to(api: FakeBotAPI, chat_id: int, method: str = "sendMessage") -> list[dict[str, Any]]:
    return [p for m, p in api.requests if m == method and p.get("chat_id") == chat_id]


async def boom(update: Update, context: MujazContext) -> None:
    raise RuntimeError(f"request to https://api.telegram.org/bot{A_TOKEN}/sendMessage failed")


async def test_an_unhandled_error_sends_its_traceback_as_a_document_once(bot: Harness) -> None:
    bot.app.add_handler(CommandHandler("boom", boom), group=1)
    bot.api.user_sends(7, "/boom")
    await bot.api.wait_for_messages(7, 2)  # "unknown command", and the apology from on_error
    await bot.api.wait_for(lambda: len(sent_to(bot.api, ADMIN, "sendDocument")) == 1)
    (sent,) = sent_to(bot.api, ADMIN, "sendDocument")
    assert "Unhandled error" in sent["caption"] and "RuntimeError" in sent["caption"]
    document = sent["document"]
    assert isinstance(document, UploadedFile) and document.filename == "traceback.txt"
    text = document.data.decode()
    assert "Traceback (most recent call last)" in text and "in boom" in text
    assert A_TOKEN not in text and A_TOKEN not in sent["caption"]  # redacted

    bot.api.user_sends(7, "/boom")  # the same error again: no second alert
    await bot.api.wait_for_messages(7, 4)  # on_error has run for it
    await alerts(bot).close()
    assert len(sent_to(bot.api, ADMIN, "sendDocument")) == 1


async def test_a_feed_alerts_when_it_crosses_the_failure_count_and_when_it_is_disabled(
    bot: Harness, feed_server: FeedServer
) -> None:
    failing, _ = await bot.services.feeds.add(feed_server.serve("/down.xml", status=500))
    context = MujazContext(bot.app)
    before = len(sent_to(bot.api, ADMIN))
    for _ in range(3):  # fails 1, 2 (the alert), 3 (quiet: it was crossed already)
        await ingest_tick(context)
        await alerts(bot).close()
        bot.clock.now += timedelta(days=1)  # past any backoff
    texts = [p["text"] for p in sent_to(bot.api, ADMIN)[before:]]
    assert len(texts) == 1
    assert "failed 2 times in a row" in texts[0] and "http-500" in texts[0]
    assert failing.url in texts[0]

    await bot.services.feeds.set_enabled(failing.id, False)
    feed_server.serve("/gone.xml", status=410)
    await bot.services.feeds.add(feed_server.url("/gone.xml"))
    await ingest_tick(context)
    await alerts(bot).close()
    last = sent_to(bot.api, ADMIN)[-1]["text"]
    assert "was disabled" in last and "http-410" in last


async def test_bulk_held_by_429s_for_ten_minutes_alerts_and_the_alert_is_not_held(
    bot: Harness,
) -> None:
    outbox = bot.app.bot.rate_limiter
    assert isinstance(outbox, Outbox)
    now = outbox.clock.now()
    # A 429 run began 11 minutes ago and bulk is still paused.
    outbox.stats.held_since = now - 660
    outbox._paused_until = now + 600
    await heartbeat_tick(MujazContext(bot.app))
    await bot.api.wait_for(lambda: "429" in sent_to(bot.api, ADMIN)[-1]["text"])
    assert "11 minutes" in sent_to(bot.api, ADMIN)[-1]["text"]


async def test_a_failed_backup_alerts_through_the_entry_point(bot: Harness) -> None:
    alerts(bot).backup_failed("No space left on device", destination="/backups")
    await alerts(bot).close()
    text = sent_to(bot.api, ADMIN)[-1]["text"]
    assert text.startswith("💾 Backup failed to <code>/backups</code>")
    assert "No space left on device" in text


async def test_a_scheduled_backup_that_fails_alerts_the_operator(
    bot: Harness, tmp_path: Path
) -> None:
    not_a_folder = tmp_path / "backups"
    not_a_folder.write_text("a file where the backup folder should be")
    copy = await backup_now(bot.services.settings.database_path, not_a_folder, 3, alerts(bot))
    assert copy is None
    await alerts(bot).close()
    text = sent_to(bot.api, ADMIN)[-1]["text"]
    assert text.startswith(f"💾 Backup failed to <code>{not_a_folder}</code>")


async def test_uncertain_deliveries_found_at_start_alert_in_arabic_by_default(
    fake_bot_api: FakeBotAPI, tmp_path: Path
) -> None:
    db = await Database.open(tmp_path / "mujaz.db")
    await db.execute(
        "INSERT INTO deliveries (chat_id, kind, period, status, created_at, updated_at)"
        " VALUES (7, 'digest', '2026-11-30T07:30', 'sending', '2026-11-30T04:30:00Z',"
        " '2026-11-30T04:30:00Z')"
    )
    await db.close()
    fake_bot_api.add_chat(SECOND_ADMIN)  # wrote to the bot in an earlier life
    async with running(fake_bot_api, tmp_path, alert_chat_id=SECOND_ADMIN) as bot:
        (message,) = await bot.api.wait_for_messages(SECOND_ADMIN)
    assert message["text"].startswith("❓ عند التشغيل")
    assert "١ من الموجزات" in message["text"]
