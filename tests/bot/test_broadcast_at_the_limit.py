"""A broadcast at Telegram's limits while a user keeps writing (the issue's first "must show").

The fake Bot API enforces the limits like Telegram (429 with retry_after). Run twenty
times faster than real time: 600 sends a second overall, one per 0.05 s per chat,
/start every 0.05 s (or once answered). The real Application, end to end: handlers,
ledger, outbox. bench/delivery.py runs it at 30/s (900 chats, Telegram 0 and 150 ms away).

How much of the limit the outbox uses, and how soon a reply goes out beside the
broadcast, is measured exactly on virtual time in tests/delivery/test_full_pace.py
(at 0 and 150 ms from Telegram, with jitter): in real time those numbers
say how busy the machine is. Here the reply check is one a busy machine cannot
break: the replies come while the broadcast runs, not after it.
"""

from __future__ import annotations

from pathlib import Path

from tests.backends import TestDatabase
from tests.delivery.scenario import Scale, broadcast_at_the_limit
from tests.fakes.bot_api import FakeBotAPI

SCALE = Scale(speed=20)


async def test_2000_chats_at_the_limit_once_each_while_replies_stay_quick(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database: TestDatabase
) -> None:
    run = await broadcast_at_the_limit(fake_bot_api, tmp_path, SCALE, database=database)
    assert run.duplicates == 0 and run.missing == 0  # every reachable chat, exactly once
    assert run.inactive == 120  # blocked and gone chats are marked inactive
    assert run.attempts == 2000  # nobody retried after a refusal, nobody dropped after a 429
    # The user kept writing and got replies while the broadcast ran, not after it. How
    # soon, in seconds, says how busy the machine was; against the broadcast's length,
    # it says whether replies waited for it.
    during = sum(1 for t in run.answered if t < run.ended)
    assert during >= 5, f"{during} replies during the broadcast"
    assert run.p95 <= run.seconds / 4, (run.seconds, sorted(run.replies)[-5:])
    assert "وصل إلى ١٨٨٠ محادثةً من ٢٠٠٠" in run.report
