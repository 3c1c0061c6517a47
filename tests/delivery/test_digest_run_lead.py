"""DIGEST_LEAD_MINUTES: a big run starts early so it centres on the chosen time, and is
composed only from what was stored when it started (issue 15). On virtual time."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from tests.bot.harness import FakeClock
from tests.delivery.virtual_run import ORIGIN, add_article, add_chats, open_run

EIGHT = ORIGIN + timedelta(hours=8)
RATE = 0.5  # a slow pace: 600 readers take 20 minutes, so the whole lead is used
BEFORE, AFTER = "خبر خزنه البوت قبل بدء الجولة", "خبر وصل بعد بدء الجولة"


async def test_a_ten_minute_lead_leaves_no_earlier_and_holds_nothing_newer_than_the_start(
    tmp_path: Path,
) -> None:
    clock = FakeClock(EIGHT - timedelta(minutes=10, seconds=1))
    run = await open_run(tmp_path, clock, rate=RATE, page_size=100, digest_lead_minutes=10)
    try:
        services = run.services
        await add_article(services, 1, BEFORE, published=EIGHT - timedelta(minutes=20))
        await add_chats(services, range(1, 601), at="08:00")
        assert await run.send_due() == {}  # 07:49:59: not yet

        async def arrives() -> None:
            await add_article(services, 2, AFTER, published=clock.now)

        run.pace.at(EIGHT - timedelta(minutes=5), arrives)  # stored at 07:55, mid-run
        clock.now = EIGHT - timedelta(minutes=10)
        assert await run.send_due() == {"sent": 600}
        summary = await services.digests.runs.last()
        stored = await services.db.fetchone("SELECT COUNT(*) FROM articles")
    finally:
        await run.close()

    assert stored is not None and stored[0] == 2  # the late article was there to be taken
    sent = run.telegram.sent
    assert len(sent) == 600
    assert all(BEFORE in s.text and AFTER not in s.text for s in sent)
    assert min(s.at for s in sent) == EIGHT - timedelta(minutes=10)  # no more than 10 min early
    # Centred on 08:00: one every 2 s from 07:50:00, the last at 08:09:58.
    assert max(s.at for s in sent) == EIGHT + timedelta(minutes=9, seconds=58)
    assert summary is not None
    assert (summary.lateness.median, summary.lateness.max) == (-2, 598)


async def test_a_small_run_starts_only_as_early_as_it_needs(tmp_path: Path) -> None:
    # 60 readers at 0.5 a second take 2 minutes: the run starts 1 minute before 08:00.
    clock = FakeClock(EIGHT - timedelta(minutes=1, seconds=1))
    run = await open_run(tmp_path, clock, rate=RATE, digest_lead_minutes=10)
    try:
        await add_article(run.services, 1, BEFORE, published=EIGHT - timedelta(minutes=20))
        await add_chats(run.services, range(1, 61), at="08:00")
        assert await run.send_due() == {}
        clock.now = EIGHT - timedelta(minutes=1)
        assert await run.send_due() == {"sent": 60}
    finally:
        await run.close()
    assert min(s.at for s in run.telegram.sent) == EIGHT - timedelta(minutes=1)
