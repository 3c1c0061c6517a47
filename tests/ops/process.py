"""`mujaz` as an operator or a container runs it: real subprocesses against the fake Bot
API, which runs in the test's event loop (so every wait here is asynchronous)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.fakes.bot_api import FakeBotAPI
from tests.paths import ROOT


def environment(api: FakeBotAPI, workdir: Path, **extra: str) -> dict[str, str]:
    """What `mujaz` gets: the fake's token and URL, a database in `workdir`, no feeds."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),
        "BOT_TOKEN": api.token,
        "TELEGRAM_API_URL": api.url,
        "DATABASE_PATH": str(workdir / "mujaz.db"),
        "FEEDS_FILE": "/dev/null",
        **extra,
    }


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


async def mujaz(env: dict[str, str], cwd: Path, *args: str, timeout: float = 60) -> Result:
    """Run `mujaz ARGS` to its end."""
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


async def start_bot(env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    """`mujaz run` in the background, its output in cwd/bot.log."""
    with (cwd / "bot.log").open("ab") as log:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "run", env=env, cwd=cwd, stdout=log, stderr=log
        )


async def stop_bot(process: asyncio.subprocess.Process, timeout: float = 20) -> int:
    """SIGTERM, as a container stop does; the exit status."""
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), timeout)
        except TimeoutError:
            process.kill()
            await process.wait()
            raise
    assert process.returncode is not None
    return process.returncode
