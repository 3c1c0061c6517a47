"""A backup taken by `mujaz backup` while a broadcast is in flight is one consistent moment
of the ledger: restored after the bot is gone, the next start resumes the broadcast from
it and nobody gets the message twice.

For "nobody twice" to be provable, nothing may reach a reader between the backup and the
loss of the database (otherwise the restored ledger rightly does not know of it): at the
moment of the backup Telegram stops accepting messages (502 to every send), so what the
backup records as not yet sent had really not arrived. The sends the backup caught in
flight (`sending`) become `uncertain` at the next start and are not repeated.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.delivery.scenario import ADMIN, press_send, report_of
from tests.fakes.bot_api import FakeBotAPI, RateLimit
from tests.ops.bot_process import base_env, mujaz, run_bot, terminate
from tests.ops.broadcast_run import copies, ledger, seeded_audience

RATE = 100


async def test_a_backup_mid_broadcast_restored_resumes_it_with_nobody_getting_it_twice(
    fake_bot_api: FakeBotAPI, tmp_path: Path
) -> None:
    api = fake_bot_api
    api.set_rate_limits(overall=RateLimit(RATE, 1.0))
    env = base_env(api, tmp_path, ADMIN_IDS=str(ADMIN), SEND_RATE=str(RATE))
    database = Path(env["DATABASE_PATH"])
    everyone = await seeded_audience(api, database, 1000)
    backups = tmp_path / "backups"
    bot = await run_bot(api, env, tmp_path, tmp_path / "first.log")
    try:
        await press_send(api)
        await api.wait_for(lambda: sum(copies(api, everyone).values()) >= 200, timeout=60)
        api.fail_next("sendMessage", error_code=502, description="Bad Gateway", times=10**9)
        before_backup = copies(api, everyone)

        made = await mujaz(env, tmp_path, tmp_path / "backup.log", "backup", str(backups))
        assert await made.wait() == 0, (tmp_path / "backup.log").read_text()
        (copy,) = backups.iterdir()
        said = (tmp_path / "backup.log").read_text()
        assert f"{copy}  {copy.stat().st_size} bytes  schema version" in said
        in_flight = bot.returncode is None and report_of(api) is None
        assert in_flight, "the backup was to be taken while the broadcast ran"

        refused = await mujaz(env, tmp_path, tmp_path / "refused.log", "restore", str(copy))
        assert await refused.wait() == 3, "a restore under a running bot is refused"
        assert "still sends" in (tmp_path / "refused.log").read_text()
    finally:
        await terminate(bot)
    assert copies(api, everyone) == before_backup  # nothing arrived after the backup

    restored = await mujaz(env, tmp_path, tmp_path / "restore.log", "restore", str(copy))
    assert await restored.wait() == 0, (tmp_path / "restore.log").read_text()
    assert len(list(database.parent.glob("mujaz.db.replaced-*[0-9]Z"))) == 1  # the one replaced
    at_backup = ledger(database)
    assert "pending" in at_backup.values()

    api.clear_failures()
    again = await run_bot(api, env, tmp_path, tmp_path / "second.log")
    try:
        await api.wait_for(lambda: report_of(api) is not None, timeout=90)
    finally:
        await terminate(again)
    got = copies(api, everyone)
    assert max(got.values()) == 1  # nobody twice
    reachable = set(everyone) - {c for c, s in ledger(database).items() if s == "blocked"}
    pending_then = {chat for chat, status in at_backup.items() if status == "pending"}
    assert all(got[chat] == 1 for chat in pending_then & reachable)  # nobody skipped
    assert set(ledger(database).values()) <= {"sent", "blocked", "failed", "uncertain"}
    with sqlite3.connect(database) as conn:
        (status,) = conn.execute("SELECT status FROM broadcasts").fetchone()
    assert status == "done"
