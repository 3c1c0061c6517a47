"""`mujaz health --role ingest` (issue 14): an ingest process serves no OPS_LISTEN and holds
no sender lease, so it is judged by its database: it answers, and no enabled feed waits
long past its check. On SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.ops.ingest_health import judge_ingest, overdue_after
from storage.db import to_db_time, utc_now
from storage.ops import IngestState
from tests.backends import TestDatabase
from tests.bot.harness import free_port
from tests.fakes.bot_api import FakeBotAPI
from tests.ops.bot_process import base_env, mujaz_done

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def test_feeds_checked_on_time_are_healthy_and_one_waiting_too_long_is_not() -> None:
    bound = overdue_after(10)
    on_time = IngestState(3, NOW - bound + timedelta(minutes=1), NOW - timedelta(minutes=2))
    healthy, why = judge_ingest(on_time, NOW, 10)
    assert healthy and why == "3 feeds ingested on time; last feed checked 2 min ago"
    stuck = IngestState(3, NOW - bound - timedelta(minutes=1), NOW - timedelta(hours=1))
    healthy, why = judge_ingest(stuck, NOW, 10)
    assert not healthy and why.startswith("a feed has waited 26 min for its check (over 25 min)")
    assert judge_ingest(IngestState(0, None, None), NOW, 10)[0]  # nothing to ingest: fine


async def test_health_role_ingest_reads_the_database_not_the_lease_or_ops_listen(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database: TestDatabase
) -> None:
    env = {
        **{k: v for k, v in base_env(fake_bot_api, tmp_path).items() if k != "DATABASE_PATH"},
        **database.env(),
        "OPS_LISTEN": f"127.0.0.1:{free_port()}",  # nobody listens: an ingest process serves none
    }
    if not database.postgres:
        missing = await mujaz_done(env, tmp_path, "health", "--role", "ingest")
        assert missing.code == 1 and "no database there" in missing.out, missing.out

    db = await database.open()
    try:
        await db.execute(
            "INSERT INTO feeds (url, created_at, next_check_at, last_checked_at)"
            " VALUES ('https://e.example/feed', ?, ?, ?)",
            (to_db_time(utc_now()), to_db_time(utc_now() + timedelta(minutes=10)),
             to_db_time(utc_now())),
        )  # fmt: skip
    finally:
        await db.close()
    fresh = await mujaz_done(env, tmp_path, "health", "--role", "ingest")
    assert fresh.code == 0, fresh.out + fresh.err
    assert fresh.out.startswith("mujaz: healthy: 1 feeds ingested on time")  # no lease asked

    db = await database.open()
    try:
        await db.execute(
            "UPDATE feeds SET next_check_at = ?", (to_db_time(utc_now() - timedelta(hours=1)),)
        )
    finally:
        await db.close()
    stuck = await mujaz_done(env, tmp_path, "health", "--role", "ingest")
    assert stuck.code == 1 and "mujaz: unhealthy: a feed has waited 60 min" in stuck.out

    bot = await mujaz_done(env, tmp_path, "health")  # the bot's check still asks OPS_LISTEN
    assert bot.code == 1 and "no answer from" in bot.out

    junk = await mujaz_done(env, tmp_path, "health", "--role", "sender")
    assert junk.code == 2 and "choose one of all, bot, ingest" in junk.err
