"""A broadcast at Telegram's limits while a user keeps writing (the issue's first "must show").

The fake Bot API enforces the limits like Telegram (429 with retry_after). Run ten
times faster than real time: 300 sends a second overall, one per 0.1 s per chat,
/start every 0.1 s and replies due within 0.2 s. bench/delivery.py runs it at 30/s.
"""

from __future__ import annotations

from pathlib import Path

from tests.delivery.scenario import Scale, broadcast_at_the_limit
from tests.fakes.bot_api import FakeBotAPI

SCALE = Scale(speed=10)


async def test_2000_chats_at_the_limit_once_each_while_replies_stay_quick(
    fake_bot_api: FakeBotAPI, tmp_path: Path
) -> None:
    run = await broadcast_at_the_limit(fake_bot_api, tmp_path, SCALE)
    assert run.duplicates == 0 and run.missing == 0  # every reachable chat, exactly once
    assert run.inactive == 120  # blocked and gone chats are marked inactive
    assert run.attempts == 2000  # nobody retried after a refusal, nobody dropped after a 429
    assert run.fraction >= 0.9, f"{run.rate:.0f}/s of {run.limit:.0f}/s"
    assert len(run.replies) >= 40
    assert run.p95 <= SCALE.reply_within, sorted(run.replies)[-5:]
    assert "وصل إلى ١٨٨٠ محادثةً من ٢٠٠٠" in run.report
