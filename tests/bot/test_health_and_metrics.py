"""/healthz and /metrics on OPS_LISTEN, served by the running bot against the fake Bot API.

/metrics is read with prometheus_client's own parser, as Prometheus would read it.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.core.run_order import Lateness
from bot.jobs import heartbeat_tick, ingest_tick
from bot.ops import Ops
from bot.ops.alerts import alerts_of
from bot.ops.health import HealthWatch
from storage.digest_runs import DigestRunRepository, PaidDigests
from tests.bot.harness import Harness, running
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.feed_server import FeedServer
from tests.feeds import rss, seed_item

ADMIN = 42


class Monotonic:
    """The health watch's clock, moved by the test."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def mono() -> Monotonic:
    return Monotonic()


@pytest.fixture
async def bot(fake_bot_api: FakeBotAPI, tmp_path: Path, mono: Monotonic) -> AsyncIterator[Harness]:
    ops = Ops(health=HealthWatch(clock=mono))
    async with running(
        fake_bot_api, tmp_path, ops=ops, ops_listen="127.0.0.1:0", admin_ids=frozenset({ADMIN})
    ) as harness:
        yield harness


def ops_of(bot: Harness) -> Ops:
    ops = bot.app.bot_data.ops
    assert ops is not None and ops.server is not None
    return ops


def url(bot: Harness, path: str) -> str:
    server = ops_of(bot).server
    assert server is not None
    return server.url + path


async def get(bot: Harness, path: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(url(bot, path)) as response:
        return response.status, await response.text()


async def healthz(bot: Harness) -> tuple[int, dict[str, Any]]:
    async with aiohttp.ClientSession() as session, session.get(url(bot, "/healthz")) as response:
        return response.status, await response.json()


async def metrics(bot: Harness) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    status, text = await get(bot, "/metrics")
    assert status == 200
    samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


async def test_healthz_is_200_while_getupdates_succeeds_and_503_with_the_reason_after(
    bot: Harness, mono: Monotonic
) -> None:
    health = ops_of(bot).health
    await bot.api.wait_for(lambda: health.polled_at is not None)
    status, body = await healthz(bot)
    assert (status, body["ok"], body["reasons"]) == (200, True, [])

    assert bot.app.updater is not None
    await bot.app.updater.stop()  # polling stops: no getUpdates succeeds any more
    mono.t += 91
    status, body = await healthz(bot)
    assert status == 503 and body["ok"] is False
    assert [r.split(":")[0] for r in body["reasons"]] == ["getUpdates"]
    assert "91 s" in body["reasons"][0]


async def test_healthz_is_503_when_the_scheduler_stops_ticking(
    bot: Harness, mono: Monotonic
) -> None:
    health = ops_of(bot).health
    assert bot.app.job_queue is not None
    health.tick_seconds = 0.05
    job = bot.app.job_queue.run_repeating(heartbeat_tick, interval=0.05, first=0)
    await bot.api.wait_for(lambda: health.ticked_at is not None)
    assert (await healthz(bot))[0] == 200
    job.schedule_removal()
    health.polled_at = mono.t = mono.t + 1  # polling stays fresh; the scheduler does not
    status, body = await healthz(bot)
    assert status == 503
    assert body["reasons"] == ["scheduler: no tick for 1 s (limit 0 s)"]


async def test_healthz_is_503_when_the_database_does_not_answer(bot: Harness) -> None:
    await bot.services.db.close()
    status, body = await healthz(bot)
    assert status == 503
    assert [r.split(":")[0] for r in body["reasons"]] == ["database"]


async def test_metrics_count_deliveries_429s_queues_feeds_chats_and_the_database(
    bot: Harness,
) -> None:
    await bot.say(ADMIN, "/start")  # Telegram knows a chat only once it wrote to the bot
    await bot.say(8, "/start")
    feeds = bot.services.feeds
    ok, _ = await feeds.add("https://a.example/rss")
    failing, _ = await feeds.add("https://b.example/rss")
    gone, _ = await feeds.add("https://c.example/rss")
    await feeds.record_failure(failing.id, status="timeout", error="timeout")
    await feeds.record_failure(gone.id, status="http-410", error="gone", disable=True)

    bot.api.fail_next("sendMessage", error_code=429, description="Too Many", retry_after=0.05)
    alerts = alerts_of(bot.app)
    assert alerts is not None
    alerts.backup_failed("disk full")  # an alert: a message on the reply lane
    registry = ops_of(bot).metrics.registry
    sent = {"kind": "reply", "outcome": "sent"}
    await bot.api.wait_for(lambda: registry.get_sample_value("mujaz_deliveries_total", sent) == 1)
    bot.api.block(8)
    alerts.chat_id = 8  # an alert chat that blocked the bot
    alerts.outbox_held(700)
    blocked = {"kind": "reply", "outcome": "blocked"}
    await bot.api.wait_for(
        lambda: registry.get_sample_value("mujaz_deliveries_total", blocked) == 1
    )

    seen = await metrics(bot)
    assert seen[("mujaz_deliveries_total", (("kind", "reply"), ("outcome", "sent")))] == 1
    assert seen[("mujaz_deliveries_total", (("kind", "reply"), ("outcome", "blocked")))] == 1
    assert seen[("mujaz_telegram_429_total", ())] == 1
    for lane in ("reply", "digest", "broadcast"):
        assert seen[("mujaz_outbox_queue_length", (("lane", lane),))] == 0
    assert seen[("mujaz_outbox_paused_seconds_total", ())] == 0  # a reply's 429 pauses nothing
    assert seen[("mujaz_feeds", (("state", "ok"),))] == 1
    assert seen[("mujaz_feeds", (("state", "failing"),))] == 1
    assert seen[("mujaz_feeds", (("state", "disabled"),))] == 1
    assert seen[("mujaz_active_chats", ())] == 2
    assert seen[("mujaz_database_bytes", ())] > 0
    del ok


async def test_metrics_observe_each_scheduled_ingestion_pass(
    bot: Harness, feed_server: FeedServer
) -> None:
    await bot.services.feeds.add(feed_server.serve("/news.xml", rss([seed_item()])))
    assert bot.app.job_queue is not None
    bot.app.job_queue.run_once(ingest_tick, 0)
    registry = ops_of(bot).metrics.registry
    await bot.api.wait_for(
        lambda: registry.get_sample_value("mujaz_ingest_duration_seconds_count") == 1, timeout=30
    )
    seen = await metrics(bot)
    assert seen[("mujaz_new_articles_total", ())] == 1
    assert seen[("mujaz_ingest_duration_seconds_count", ())] == 1
    assert seen[("mujaz_ingest_duration_seconds_sum", ())] > 0


async def test_metrics_report_the_last_digest_runs_lateness_and_paid_cost(bot: Harness) -> None:
    before = await metrics(bot)
    assert math.isnan(before[("mujaz_digest_run_lateness_p95_seconds", ())])  # no run yet
    runs = DigestRunRepository(bot.services.db)
    run_id = await runs.start()
    await runs.save(run_id, Lateness(3000, 12.0, 95.0, 101.0), PaidDigests(40, 50))
    seen = await metrics(bot)
    assert seen[("mujaz_digest_run_lateness_median_seconds", ())] == 12.0
    assert seen[("mujaz_digest_run_lateness_p95_seconds", ())] == 95.0
    assert seen[("mujaz_digest_run_lateness_max_seconds", ())] == 101.0
    assert seen[("mujaz_digest_run_digests", ())] == 3000
    assert seen[("mujaz_digest_run_running", ())] == 1
    assert seen[("mujaz_digests_paid_total", ())] == 40
    assert seen[("mujaz_digest_paid_stars_total", ())] == 5.0
