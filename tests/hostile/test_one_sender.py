"""One bot sends from one database. A second `mujaz run` exits 3 naming the holder; a
restart after a crash does not wait; a database copied to another host sends only once
the original's lease is stale or after `mujaz takeover`; `mujaz ingest` needs no lease."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage.db import to_db_time
from tests.fakes.bot_api import FakeBotAPI
from tests.paths import ROOT


def environment(api: FakeBotAPI, tmp_path: Path) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),
        "BOT_TOKEN": api.token,
        "TELEGRAM_API_URL": api.url,
        "DATABASE_PATH": str(tmp_path / "mujaz.db"),
        "FEEDS_FILE": "/dev/null",
        "LEASE_HEARTBEAT_SECONDS": "0.5",
    }


async def mujaz(
    api: FakeBotAPI, tmp_path: Path, *args: str, name: str
) -> asyncio.subprocess.Process:
    log = (tmp_path / f"{name}.log").open("wb")
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", *args,
        env=environment(api, tmp_path), cwd=tmp_path, stdout=log, stderr=log,
    )  # fmt: skip


async def running_bot(api: FakeBotAPI, tmp_path: Path, name: str) -> asyncio.subprocess.Process:
    polls = sum(1 for method, _ in api.requests if method == "getUpdates")
    process = await mujaz(api, tmp_path, "run", name=name)
    await api.wait_for(
        lambda: sum(1 for method, _ in api.requests if method == "getUpdates") > polls, timeout=30
    )
    return process


def lease_pid(tmp_path: Path) -> int | None:
    with sqlite3.connect(tmp_path / "mujaz.db") as conn:
        row = conn.execute("SELECT pid FROM sender_lease").fetchone()
    return row[0] if row else None


async def finished(process: asyncio.subprocess.Process, timeout: float = 30) -> int:
    return await asyncio.wait_for(process.wait(), timeout)


async def stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
        await finished(process)


async def test_a_second_bot_on_the_same_database_exits_3_naming_the_first(
    fake_bot_api: FakeBotAPI, tmp_path: Path
) -> None:
    first = await running_bot(fake_bot_api, tmp_path, "first")
    try:
        second = await mujaz(fake_bot_api, tmp_path, "run", name="second")
        assert await finished(second) == 3
        said = (tmp_path / "second.log").read_text().strip().splitlines()
        assert len(said) == 1 and f"pid {first.pid}" in said[0], said
        ingest = await mujaz(fake_bot_api, tmp_path, "ingest", name="ingest")
        assert await finished(ingest) == 0  # ingestion may run beside the bot
        assert lease_pid(tmp_path) == first.pid
    finally:
        await stop(first)
    assert lease_pid(tmp_path) is None  # a clean stop releases it


async def test_a_restart_after_a_kill_takes_the_lease_at_once(
    fake_bot_api: FakeBotAPI, tmp_path: Path
) -> None:
    first = await running_bot(fake_bot_api, tmp_path, "first")
    first.send_signal(signal.SIGKILL)
    await finished(first)
    again = await running_bot(fake_bot_api, tmp_path, "again")
    try:
        assert lease_pid(tmp_path) == again.pid
    finally:
        await stop(again)


def copied_from_elsewhere(tmp_path: Path, seen: datetime) -> None:
    with sqlite3.connect(tmp_path / "mujaz.db") as conn:
        conn.execute(
            "INSERT INTO sender_lease VALUES ('sender', 'abcdef123456', 'old-host', 4242, ?)",
            (to_db_time(seen),),
        )


async def test_a_copied_database_waits_for_the_originals_lease_or_a_takeover(
    fake_bot_api: FakeBotAPI, tmp_path: Path
) -> None:
    await stop(await running_bot(fake_bot_api, tmp_path, "create"))
    copied_from_elsewhere(tmp_path, datetime.now(UTC))
    refused = await mujaz(fake_bot_api, tmp_path, "run", name="refused")
    assert await finished(refused) == 3
    assert "old-host" in (tmp_path / "refused.log").read_text()

    takeover = await mujaz(fake_bot_api, tmp_path, "takeover", name="takeover")
    assert await finished(takeover) == 0
    here = await running_bot(fake_bot_api, tmp_path, "here")
    await stop(here)


async def test_a_stale_lease_from_another_host_is_taken(
    fake_bot_api: FakeBotAPI, tmp_path: Path
) -> None:
    await stop(await running_bot(fake_bot_api, tmp_path, "create"))
    copied_from_elsewhere(tmp_path, datetime.now(UTC) - timedelta(minutes=2))
    here = await running_bot(fake_bot_api, tmp_path, "here")
    try:
        assert lease_pid(tmp_path) == here.pid
    finally:
        await stop(here)


async def test_a_bot_whose_lease_was_taken_over_stops(
    fake_bot_api: FakeBotAPI, tmp_path: Path
) -> None:
    first = await running_bot(fake_bot_api, tmp_path, "first")
    takeover = await mujaz(fake_bot_api, tmp_path, "takeover", name="takeover")
    assert await finished(takeover) == 0
    assert await finished(first, timeout=20) == 0
    assert "took the sender lease" in (tmp_path / "first.log").read_text()
