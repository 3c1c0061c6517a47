"""A digest run survives its own length (issue 15): it goes on across a restart with the
same ledger, and a reader who changes their time or topics mid-run gets one digest, the
old or the new, never both. On virtual time (tests/delivery/virtual_run.py)."""

from __future__ import annotations

from datetime import time, timedelta
from pathlib import Path

from bot.models import Schedule
from tests.backends import TestDatabase
from tests.bot.harness import FakeClock
from tests.delivery.virtual_run import ORIGIN, add_article, add_chats, open_run

EIGHT = ORIGIN + timedelta(hours=8)
READERS = range(1, 301)
ECONOMY, SPORTS = "خبر الاقتصاد", "خبر الرياضة"


async def test_a_run_of_over_three_hours_goes_on_after_a_restart_and_sends_each_digest_once(
    tmp_path: Path, database: TestDatabase
) -> None:
    # One digest every 40 s: 300 readers take 3 h 20 min, longer than the 3-hour window in
    # which a missed digest time is still claimed; the queue keeps the rows already claimed.
    clock = FakeClock(EIGHT)
    run = await open_run(tmp_path, clock, database=database, rate=1 / 40, page_size=50)
    try:
        await add_article(run.services, 1, ECONOMY, published=EIGHT - timedelta(hours=1))
        await add_chats(run.services, READERS, at="08:00")
        run.pace.stop_after(250)  # then the bot stops, as on shutdown
        first = await run.send_due()
        runs = await run.services.db.fetchall("SELECT id, ended_at FROM digest_runs")
    finally:
        await run.close()
    assert first.get("sent") == 250
    assert [tuple(r) for r in runs] == [(1, None)]  # the run is not over
    before = run.telegram.sent

    clock.now = EIGHT + timedelta(hours=3, minutes=5)  # back after the window
    run = await open_run(tmp_path, clock, database=database, rate=1 / 40, page_size=50)
    try:
        assert await run.send_due() == {"sent": 50}
        assert await run.send_due() == {}
        summary = await run.services.digests.runs.last()
        statuses = await run.services.db.fetchall(
            "SELECT status, run_id, COUNT(*) FROM deliveries GROUP BY 1, 2"
        )
    finally:
        await run.close()
    got = [s.chat for s in before] + [s.chat for s in run.telegram.sent]
    assert sorted(got) == list(READERS)  # everyone once, nobody twice
    assert [tuple(r) for r in statuses] == [("sent", 1, 300)]  # one run, one ledger
    assert summary is not None and summary.id == 1 and summary.ended_at is not None
    assert summary.lateness.digests == 300
    # The first 250 left every 40 s from 08:00; the rest from 11:05 on.
    assert summary.lateness.max == (3 * 3600 + 5 * 60) + 49 * 40


async def test_readers_who_change_time_or_topics_mid_run_get_one_digest_old_or_new(
    tmp_path: Path, database: TestDatabase
) -> None:
    # 100 readers at 08:00, one digest every 30 s: the run lasts 50 minutes.
    clock = FakeClock(EIGHT)
    run = await open_run(tmp_path, clock, database=database, rate=1 / 30, page_size=10)
    services = run.services
    chosen: dict[str, int] = {}
    try:
        await add_article(services, 1, ECONOMY, published=EIGHT - timedelta(hours=1))
        await add_article(services, 2, SPORTS, published=EIGHT - timedelta(hours=1), topic="sports")
        await add_chats(services, range(1, 101), at="08:00")
        half_past = Schedule(times=(time(8, 30),))

        async def change_minds() -> None:
            """At 08:10: four readers change their minds."""
            rows = await services.db.fetchall(
                "SELECT chat_id, status FROM deliveries ORDER BY due_at, up_to, turn"
            )
            sent = [r["chat_id"] for r in rows if r["status"] == "sent"]
            queued = [r["chat_id"] for r in rows if r["status"] == "pending"]
            chosen.update(had=sent[0], leaving=queued[0], waiting=queued[-1], topics=queued[-2])
            # Had the 08:00 digest, moves to 08:30: keeps the old one only.
            await services.chats.update(chosen["had"], schedule=half_past)
            # Their digest is leaving now, and one far back in the queue: the new one only.
            await services.chats.update(chosen["leaving"], schedule=half_past)
            await services.chats.update(chosen["waiting"], schedule=half_past)
            # New topics while queued: one digest.
            await services.chats.unsubscribe(chosen["topics"], "economy")
            await services.chats.subscribe(chosen["topics"], "sports")

        async def news() -> None:  # so that a second digest would not be empty
            await add_article(services, 3, "خبر جديد", published=clock.now)

        run.pace.at(EIGHT + timedelta(minutes=10), change_minds)
        run.pace.at(EIGHT + timedelta(minutes=20), news)
        counts = await run.send_due()
        ledger = {
            (r["chat_id"], r["period"]): r["status"]
            for r in await services.db.fetchall("SELECT chat_id, period, status FROM deliveries")
        }
    finally:
        await run.close()

    sent = run.telegram.sent
    per_chat = {chat: [s for s in sent if s.chat == chat] for chat in range(1, 101)}
    assert all(len(got) == 1 for got in per_chat.values()), counts  # never both, nobody missed
    eight, half = "2026-11-30T08:00", "2026-11-30T08:30"
    assert ledger[(chosen["had"], eight)] == "sent" and (chosen["had"], half) not in ledger
    for reader in (chosen["leaving"], chosen["waiting"]):
        assert (reader, eight) not in ledger and ledger[(reader, half)] == "sent"
        assert per_chat[reader][0].at >= EIGHT + timedelta(minutes=30)
    (digest,) = per_chat[chosen["topics"]]
    assert (SPORTS in digest.text) != (ECONOMY in digest.text)  # the old one or the new
