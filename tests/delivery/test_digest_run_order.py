"""A run sends in the order readers' times fell due, and reports how late it was (issue 15).

On virtual time at an exact pace (tests/delivery/virtual_run.py), so the lateness
figures are checked against arithmetic, not against a busy machine's timing.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from pathlib import Path

from bot.core.run_order import LatenessTally, turn
from tests.bot.harness import FakeClock
from tests.delivery.virtual_run import ORIGIN, add_article, add_chats, open_run

RATE = 30  # messages a second
EIGHT, FIVE_PAST = ORIGIN + timedelta(hours=8), ORIGIN + timedelta(hours=8, minutes=5)
EARLY = range(10_000, 11_500)  # 1,500 readers at 08:00
LATE = range(20_000, 21_500)  # 1,500 readers at 08:05


async def test_readers_at_eight_all_leave_before_readers_at_five_past_and_lateness_adds_up(
    tmp_path: Path,
) -> None:
    # The bot comes up at 08:04:30: the 08:00 readers take 50 s at 30/s, so the 08:05
    # readers fall due while they are still being sent, and join the same run.
    start = EIGHT + timedelta(minutes=4, seconds=30)
    clock = FakeClock(start)
    run = await open_run(tmp_path, clock, rate=RATE)
    try:
        await add_article(run.services, 1, "خبر اقتصادي", published=EIGHT - timedelta(hours=1))
        await add_chats(run.services, EARLY, at="08:00")
        await add_chats(run.services, LATE, at="08:05")
        assert await run.send_due() == {"sent": 3000}
        summary = await run.services.digests.runs.last()
        metrics = await run.services.digests.runs.metrics()
    finally:
        await run.close()

    sent = run.telegram.sent
    assert len(sent) == 3000 and len({s.chat for s in sent}) == 3000
    early = [s.at for s in sent if s.chat in EARLY]
    late = [s.at for s in sent if s.chat in LATE]
    assert max(early) < min(late)  # nobody at 08:00 waited behind anyone at 08:05

    # The arithmetic: one message every 1/30 s from 08:04:30, the 08:00 readers first.
    # The 08:05 readers follow from 08:05:20.
    ranked = sorted([270 + i / RATE for i in range(1500)] + [20 + j / RATE for j in range(1500)])
    got = sorted((s.at - (EIGHT if s.chat in EARLY else FIVE_PAST)).total_seconds() for s in sent)
    assert all(abs(a - b) < 1e-3 for a, b in zip(got, ranked, strict=True))
    assert summary is not None and summary.ended_at is not None
    lateness = summary.lateness
    assert lateness.digests == 3000
    assert lateness.median == math.floor(ranked[1500 - 1])  # nearest rank, whole seconds
    assert lateness.p95 == math.floor(ranked[math.ceil(3000 * 0.95) - 1])
    assert lateness.max is not None and abs(lateness.max - ranked[-1]) < 1e-3
    assert metrics["digest_run_lateness_median_seconds"] == lateness.median
    assert metrics["digest_run_lateness_p95_seconds"] == lateness.p95
    assert (metrics["digest_run_digests"], metrics["digest_run_running"]) == (3000, 0)
    # In minutes, as /stats shows them: half within 1.1 min, the last 08:00 reader 5.3 min late.
    assert (lateness.minutes(lateness.median), lateness.minutes(lateness.max)) == (1.1, 5.3)


def test_inside_one_minute_the_order_is_the_same_all_day_and_no_chat_is_always_last() -> None:
    chats = range(1, 201)
    group = ("economy",)
    day = date(2026, 11, 30)
    order = sorted(chats, key=lambda c: turn(group, c, day))
    assert order == sorted(chats, key=lambda c: turn(group, c, day))  # stable: a restart keeps it
    lasts = {max(chats, key=lambda c: turn(group, c, day + timedelta(days=n))) for n in range(10)}
    assert len(lasts) > 5  # a different chat is last on most days
    # Chats sharing a rendering stay together; which group goes first changes by day.
    groups = [("economy",), ("sports",), ("gulf",), ("iran",)]
    firsts = set()
    for n in range(10):
        today = day + timedelta(days=n)
        places = sorted((turn(g, c, today), g) for g in groups for c in range(50))
        runs = [g for i, (_, g) in enumerate(places) if i == 0 or places[i - 1][1] != g]
        assert len(runs) == len(groups)
        firsts.add(runs[0])
    assert len(firsts) > 1


def test_lateness_tally_gives_nearest_rank_median_p95_and_max() -> None:
    tally = LatenessTally()
    for seconds in [*range(1, 101)]:
        tally.add(seconds + 0.5)
    summary = tally.summary()
    assert (summary.digests, summary.median, summary.p95, summary.max) == (100, 50, 95, 100.5)
    assert LatenessTally().summary().median is None
