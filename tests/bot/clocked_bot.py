"""The bot as `mujaz run` starts it, for tests that kill it with SIGKILL, telling them
what it does as it does it.

    MUJAZ_TEST_CLOCK_START=2026-11-30T07:29:50+00:00 MUJAZ_TEST_TICK=0.5 \\
    MUJAZ_TEST_RECORD=/tmp/run/record python -m tests.bot.clocked_bot

- MUJAZ_TEST_CLOCK_START: the clock starts there and runs at real speed, so a test can
  put the bot a few seconds before a reader's digest minute, or after it, without
  waiting for the wall clock. Unset: the real clock.
- MUJAZ_TEST_TICK: the digest tick runs every so many seconds.
- MUJAZ_TEST_RECORD: a file the bot appends a line to as things happen:
  `tick <clock time>` after each digest tick, and `grant <chat id>` when the outbox
  lets a bulk message go, before its ledger row is marked 'sending'. Each line is one
  unbuffered write, so a SIGKILL loses none that was written: a test waits on these
  lines instead of sleeping, and checks a killed bot's ledger against them.

- MUJAZ_TEST_READ_TIMEOUT: seconds the bot waits for Telegram's answer to a message
  (the bot's own is 5). A test that holds answers back sets it past its own waits: a
  held request is then still in flight at the kill, not timed out (and closed
  'uncertain' by the bot) while a loaded machine made the test wait.
- MUJAZ_TEST_GO: a file to wait for, modules imported, before building the bot.
- MUJAZ_TEST_ROLE=bot: take the sender lease as `mujaz run --role bot` does on PostgreSQL
  (bot/held_lease.py: a second one waits as the standby) and leave ingestion out.

Tests `launch` it (it imports, then waits) and `release` it (it starts; `release`
returns once it polls the fake Bot API). A test that restarts a killed bot launches
the next one ahead, so a restart does not wait for Python to import it all again:
the restarted bot still builds everything, opens the database and reads the ledger
after the kill.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from telegram import Update

import bot.app
import bot.jobs
from bot.app import build_application
from bot.config import load_settings
from bot.context import MujazContext
from bot.delivery.lanes import Ticket
from bot.delivery.outbox import Outbox, outbox_of
from bot.delivery.transport import AiohttpRequest
from bot.held_lease import HeldLease
from bot.lease import this_process
from bot.roles import Role
from storage.db import utc_now
from storage.lease_pg import PostgresLeaseRepository
from tests.paths import ROOT

if TYPE_CHECKING:
    from tests.fakes.bot_api import FakeBotAPI


@dataclass
class Standby:
    """A bot process that has imported its modules and waits to be released."""

    process: asyncio.subprocess.Process
    go: Path

    async def kill(self) -> None:
        if self.process.returncode is None:
            self.process.kill()
            await self.process.wait()


async def launch(workdir: Path, log: Path, env: dict[str, str], api: FakeBotAPI) -> Standby:
    """Start the bot's process; it waits, imported, until `release`.

    `env` adds to (or overrides) what every such bot gets: the fake's token and URL,
    no feed list, and this checkout on the Python path.
    """
    go = log.with_suffix(".go")
    with log.open("ab") as out:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.bot.clocked_bot",
            env={
                "PATH": os.environ.get("PATH", ""),
                "PYTHONPATH": str(ROOT),
                "BOT_TOKEN": api.token,
                "TELEGRAM_API_URL": api.url,
                "FEEDS_FILE": "/dev/null",
                "MUJAZ_TEST_GO": str(go),
                **env,
            },
            cwd=workdir,
            stdout=out,
            stderr=out,
        )
    return Standby(process, go)


async def release(api: FakeBotAPI, standby: Standby) -> asyncio.subprocess.Process:
    """Let a launched bot start; return once it polls for updates."""
    polls = sum(1 for method, _ in api.requests if method == "getUpdates")
    standby.go.touch()
    await api.wait_for(
        lambda: sum(1 for method, _ in api.requests if method == "getUpdates") > polls, timeout=30
    )
    return standby.process


async def spawn(
    api: FakeBotAPI, workdir: Path, log: Path, env: dict[str, str]
) -> asyncio.subprocess.Process:
    """`launch` and `release` at once, for a start that need not be ready ahead."""
    return await release(api, await launch(workdir, log, env, api))


def _patient(read_timeout: float) -> type[AiohttpRequest]:
    """The bot's transport, waiting `read_timeout` seconds for an answer."""

    class Patient(AiohttpRequest):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**{**kwargs, "read_timeout": read_timeout})

    return Patient


def main() -> None:
    go = os.environ.get("MUJAZ_TEST_GO")
    while go and not os.path.exists(go):  # imported: wait for the test's go-ahead
        time.sleep(0.005)
    clock = _clock(os.environ.get("MUJAZ_TEST_CLOCK_START"))
    record = _recorder(os.environ.get("MUJAZ_TEST_RECORD"))
    if record is not None:
        bot.jobs.digest_tick = _recording_ticks(bot.jobs.digest_tick, clock, record)
    tick = float(os.environ.get("MUJAZ_TEST_TICK", "0.5"))
    settings = load_settings()
    role, lease = Role.ALL, None
    if os.environ.get("MUJAZ_TEST_ROLE") == "bot" and settings.database_url:
        role = Role.BOT
        logging.basicConfig(level=logging.WARNING)
        for name in ("bot", "storage"):  # a test reads the standby's lines
            logging.getLogger(name).setLevel(logging.INFO)
        lease = HeldLease(this_process(utc_now()), PostgresLeaseRepository(settings.database_url))
    read_timeout = os.environ.get("MUJAZ_TEST_READ_TIMEOUT")
    if read_timeout:
        bot.app.AiohttpRequest = _patient(float(read_timeout))  # type: ignore[misc]
    app = build_application(settings, clock=clock, digest_tick_seconds=tick, lease=lease, role=role)
    outbox = outbox_of(app.bot)
    if record is not None and outbox is not None:
        _record_grants(outbox, record)
    app.run_polling(allowed_updates=Update.ALL_TYPES)


def _clock(start_at: str | None) -> Callable[[], datetime]:
    if not start_at:
        return utc_now
    start = datetime.fromisoformat(start_at)
    began = time.monotonic()
    return lambda: start + timedelta(seconds=time.monotonic() - began)


def _recorder(path: str | None) -> Callable[[str], None] | None:
    if not path:
        return None
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def record(line: str) -> None:
        os.write(fd, f"{line}\n".encode())

    return record


def _recording_ticks(
    tick: Callable[[MujazContext], Awaitable[None]],
    clock: Callable[[], datetime],
    record: Callable[[str], None],
) -> Callable[[MujazContext], Coroutine[Any, Any, None]]:
    async def recorded(context: MujazContext) -> None:
        await tick(context)
        record(f"tick {clock().isoformat()}")

    return recorded


def _record_grants(outbox: Outbox, record: Callable[[str], None]) -> None:
    """Wrap each bulk ticket's on_dispatch: it runs once the outbox lets the request go."""
    process = outbox.process_request

    async def process_request(
        callback: Any,
        args: Any,
        kwargs: Any,
        endpoint: str,
        data: Any,
        rate_limit_args: Ticket | None,
    ) -> Any:
        ticket = rate_limit_args
        if ticket is not None and ticket.on_dispatch is not None and not ticket.dispatched:
            inner, chat = ticket.on_dispatch, data.get("chat_id")

            async def on_dispatch() -> None:
                record(f"grant {chat}")
                await inner()

            ticket.on_dispatch = on_dispatch
        return await process(callback, args, kwargs, endpoint, data, ticket)

    outbox.process_request = process_request  # type: ignore[method-assign]


if __name__ == "__main__":
    main()
