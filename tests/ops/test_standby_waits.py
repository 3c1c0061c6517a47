"""On PostgreSQL a second `mujaz run --role bot` is the hot standby (issue 14): it waits on
the sender lease (an advisory lock) instead of exiting 3, says so, and neither settles the
ledger nor polls until the first bot's session ends; then it takes over. `mujaz health`
and `mujaz takeover` read and break the same lock. The SIGKILL takeover in the middle of a
digest run and a broadcast is tests/ops/test_standby_takes_over.py."""

from __future__ import annotations

from pathlib import Path

from tests.fakes.bot_api import FakeBotAPI
from tests.ops.bot_process import mujaz, mujaz_done, run_bot, terminate, until
from tests.ops.postgres_roles import polls, postgres_env


async def test_a_second_bot_waits_as_the_standby_and_takes_over_when_the_first_stops(
    fake_bot_api: FakeBotAPI, tmp_path: Path, empty_postgres: str
) -> None:
    api = fake_bot_api
    env = postgres_env(api, tmp_path, empty_postgres)
    first = await run_bot(api, env, tmp_path, tmp_path / "first.log", "--role", "bot")
    second = None
    try:
        healthy = await mujaz_done(env, tmp_path, "health")
        assert healthy.code == 0, healthy.out + healthy.err
        assert f"pid {first.pid} " in healthy.out

        second = await mujaz(env, tmp_path, tmp_path / "second.log", "run", "--role", "bot")
        log = tmp_path / "second.log"
        await until(lambda: "standby:" in log.read_text(errors="replace"), 60, "the standby")
        assert f"pid {first.pid} " in log.read_text()  # it names the holder
        assert second.returncode is None  # waiting, not exit 3
        assert "sender lease taken" not in log.read_text()

        assert await terminate(first) == 0
        taken = "sender lease taken: this process sends"
        await until(lambda: taken in log.read_text(), 60, "the standby taking the lease")
        before = polls(api)
        await until(lambda: polls(api) > before, 60, "the standby polling")
        now = await mujaz_done(env, tmp_path, "health")
        assert now.code == 0 and f"pid {second.pid} " in now.out, now.out

        takeover = await mujaz_done(env, tmp_path, "takeover")
        assert takeover.code == 0 and "lease taken from" in takeover.out, takeover.out
        assert await terminate(second, within=30) == 0  # it had stopped: it lost the lease
        assert "took the sender lease" in log.read_text()
        gone = await mujaz_done(env, tmp_path, "health")
        assert gone.code == 1
        assert gone.out.strip() == (
            "mujaz: unhealthy: no bot holds the sender lease of the PostgreSQL database"
        )
        assert empty_postgres not in gone.out + takeover.out  # never the URL
    finally:
        await terminate(first)
        if second is not None:
            await terminate(second)


async def test_a_waiting_standby_stops_on_sigterm(
    fake_bot_api: FakeBotAPI, tmp_path: Path, empty_postgres: str
) -> None:
    api = fake_bot_api
    env = postgres_env(api, tmp_path, empty_postgres)
    first = await run_bot(api, env, tmp_path, tmp_path / "first.log", "--role", "bot")
    try:
        second = await mujaz(env, tmp_path, tmp_path / "second.log", "run", "--role", "bot")
        log = tmp_path / "second.log"
        await until(lambda: "standby:" in log.read_text(errors="replace"), 60, "the standby")
        assert await terminate(second) == 0
        assert "sender lease taken" not in log.read_text()
        healthy = await mujaz_done(env, tmp_path, "health")
        assert healthy.code == 0 and f"pid {first.pid} " in healthy.out  # untouched
    finally:
        await terminate(first)
