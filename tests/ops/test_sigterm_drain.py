"""SIGTERM, as `docker stop` and systemd send it, stops `mujaz run` in the middle of a
broadcast within 10 s (Docker's default grace period), and leaves no ledger row
`sending`: what was in flight is answered and recorded, what had not left stays
`pending` for the next start, which finishes the broadcast with nobody getting it twice."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

from tests.delivery.scenario import ADMIN, press_send, report_of
from tests.fakes.bot_api import FakeBotAPI, RateLimit
from tests.ops.bot_process import base_env, run_bot, terminate
from tests.ops.broadcast_run import copies, ledger, seeded_audience

RATE = 100  # sends a second: 1,500 chats take 15 s, so SIGTERM comes mid-broadcast
DRAIN_BOUND = 10.0  # Docker's default stop grace period, before it sends SIGKILL


async def test_sigterm_mid_broadcast_drains_within_10s_leaving_no_sending_rows(
    fake_bot_api: FakeBotAPI, tmp_path: Path
) -> None:
    api = fake_bot_api
    api.set_rate_limits(overall=RateLimit(RATE, 1.0))
    env = base_env(api, tmp_path, ADMIN_IDS=str(ADMIN), SEND_RATE=str(RATE))
    database = Path(env["DATABASE_PATH"])
    everyone = await seeded_audience(api, database, 1500)
    bot = await run_bot(api, env, tmp_path, tmp_path / "first.log")
    try:
        await press_send(api)
        await api.wait_for(lambda: sum(copies(api, everyone).values()) >= 300, timeout=60)
        bot.send_signal(signal.SIGTERM)
        status = await asyncio.wait_for(bot.wait(), DRAIN_BOUND)  # the bound is the contract
    finally:
        if bot.returncode is None:
            bot.kill()
            await bot.wait()
    assert status == 0, (tmp_path / "first.log").read_text()[-3000:]
    rows = ledger(database)
    assert "sending" not in set(rows.values())
    assert "pending" in set(rows.values()), "it stopped mid-broadcast"
    assert "uncertain" not in set(rows.values())

    again = await run_bot(api, env, tmp_path, tmp_path / "second.log")
    try:
        await api.wait_for(lambda: report_of(api) is not None, timeout=90)
    finally:
        await terminate(again)
    got = copies(api, everyone)
    assert max(got.values()) == 1  # nobody twice
    assert {chat for chat, status in ledger(database).items() if status == "sent"} == set(got)
