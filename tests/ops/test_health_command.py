"""`mujaz health`, as a container's HEALTHCHECK runs it: exit 0 while the bot is healthy,
non-zero otherwise, with one line saying why. With OPS_LISTEN it asks /healthz; without,
it reads the sender lease in the database."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import uuid
from datetime import timedelta
from pathlib import Path

from bot.lease import Holder
from storage.db import Database, utc_now
from storage.lease import LeaseRepository
from tests.bot.harness import free_port
from tests.fakes.bot_api import FakeBotAPI
from tests.ops.bot_process import base_env, mujaz, mujaz_done, terminate


async def hold_lease(path: Path, *, pid: int, age: timedelta = timedelta(0)) -> None:
    db = await Database.open(path)
    try:
        holder = Holder(uuid.uuid4().hex, socket.gethostname(), pid, utc_now() - age)
        assert await LeaseRepository(db).acquire(holder) is None
    finally:
        await db.close()


async def a_dead_pid() -> int:
    process = await asyncio.create_subprocess_exec(sys.executable, "-c", "pass")
    await process.wait()
    return process.pid


async def test_without_a_server_health_follows_the_sender_lease(
    fake_bot_api: FakeBotAPI, tmp_path: Path
) -> None:
    env = base_env(fake_bot_api, tmp_path, DATABASE_PATH=str(tmp_path / "mujaz.db"))
    database = tmp_path / "mujaz.db"

    missing = await mujaz_done(env, tmp_path, "health")
    assert missing.code == 1 and "unhealthy" in missing.out

    db = await Database.open(database)  # a database, no bot
    await db.close()
    free = await mujaz_done(env, tmp_path, "health")
    assert free.code == 1
    assert free.out.strip() == f"mujaz: unhealthy: no bot holds the sender lease of {database}"

    await hold_lease(database, pid=os.getpid())  # a live process renewed it just now
    fresh = await mujaz_done(env, tmp_path, "health")
    assert fresh.code == 0, fresh.out
    assert fresh.out.startswith("mujaz: healthy: the sender lease is fresh")
    assert len(fresh.out.splitlines()) == 1

    await hold_lease(database, pid=os.getpid(), age=timedelta(seconds=61))
    stale = await mujaz_done(env, tmp_path, "health")
    assert stale.code == 1 and "stale" in stale.out

    await hold_lease(database, pid=await a_dead_pid())  # fresh, but its process is gone
    gone = await mujaz_done(env, tmp_path, "health")
    assert gone.code == 1 and "gone" in gone.out


async def test_with_ops_listen_health_asks_the_running_bot(
    fake_bot_api: FakeBotAPI, tmp_path: Path
) -> None:
    env = base_env(
        fake_bot_api,
        tmp_path,
        DATABASE_PATH=str(tmp_path / "mujaz.db"),
        OPS_LISTEN=f"127.0.0.1:{free_port()}",
    )
    bot = await mujaz(env, tmp_path, tmp_path / "bot.log", "run")
    try:
        await fake_bot_api.wait_for(
            lambda: any(m == "getUpdates" for m, _ in fake_bot_api.requests), timeout=60
        )
        # The server starts before polling does; getUpdates has been asked for, so it is up.
        healthy = await mujaz_done(env, tmp_path, "health")
        assert healthy.code == 0, healthy.out + healthy.err
        assert "healthy" in healthy.out and "200" in healthy.out
    finally:
        assert await terminate(bot) == 0
    stopped = await mujaz_done(env, tmp_path, "health")
    assert stopped.code == 1
    assert stopped.out.startswith("mujaz: unhealthy: no answer from http://127.0.0.1:")
