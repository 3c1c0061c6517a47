"""`mujaz` as a process, the way an operator or a container starts it: environment
variables only, against the fake Bot API, which runs in the test's event loop (so every
wait here is asynchronous); a long-running command's output goes to a log file the test
reads afterwards."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.fakes.bot_api import FakeBotAPI
from tests.paths import ROOT


def base_env(api: FakeBotAPI, tmp_path: Path, **more: str) -> dict[str, str]:
    """Nothing from this process's environment but PATH: the bot gets only what it is given."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),
        "BOT_TOKEN": api.token,
        "TELEGRAM_API_URL": api.url,
        "DATABASE_PATH": str(tmp_path / "data" / "mujaz.db"),
        "FEEDS_FILE": "/dev/null",
        **more,
    }


async def mujaz(
    env: dict[str, str], cwd: Path, log: Path, *args: str
) -> asyncio.subprocess.Process:
    with log.open("ab") as out:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", *args, env=env, cwd=cwd, stdout=out, stderr=out
        )


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


async def mujaz_done(env: dict[str, str], cwd: Path, *args: str, timeout: float = 60) -> Result:
    """Run `mujaz ARGS` to its end: its exit status and what it printed."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        *args,
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout)
    assert process.returncode is not None
    return Result(process.returncode, out.decode(), err.decode())


async def run_bot(
    api: FakeBotAPI, env: dict[str, str], cwd: Path, log: Path, *args: str
) -> asyncio.subprocess.Process:
    """`mujaz run [ARGS]`; returns once it polls the fake Bot API."""
    polls = sum(1 for method, _ in api.requests if method == "getUpdates")
    process = await mujaz(env, cwd, log, "run", *args)
    try:
        await api.wait_for(
            lambda: (
                process.returncode is not None
                or sum(1 for method, _ in api.requests if method == "getUpdates") > polls
            ),
            timeout=60,
        )
    except AssertionError:
        process.kill()
        raise
    assert process.returncode is None, log.read_text(errors="replace")
    return process


async def terminate(process: asyncio.subprocess.Process, within: float = 30) -> int:
    """SIGTERM, as Docker and systemd stop it; its exit status."""
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
    try:
        return await asyncio.wait_for(process.wait(), within)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise


async def until(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"not within {timeout}s: {what}")
        await asyncio.sleep(0.05)


def rows(database: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    """Read the bot's database from the side, as an operator's sqlite3 would."""
    if not database.exists():
        return []
    with sqlite3.connect(database, timeout=10) as conn:
        try:
            return list(conn.execute(sql, params).fetchall())
        except sqlite3.OperationalError:  # not migrated yet
            return []
