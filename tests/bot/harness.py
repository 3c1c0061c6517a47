"""The real Application against the fake Bot API, with a clock the test controls."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from telegram import Update

from bot.app import build_application
from bot.config import load_settings
from bot.context import MujazApp, Services
from bot.ops import Ops
from bot.ops.webhook import start_webhook
from tests.backends import TestDatabase
from tests.fakes.bot_api import FakeBotAPI


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Harness:
    api: FakeBotAPI
    app: MujazApp
    clock: FakeClock

    @property
    def services(self) -> Services:
        assert self.app.bot_data.services is not None
        return self.app.bot_data.services

    async def say(self, user_id: int, text: str, *, language: str = "ar") -> dict[str, Any]:
        """Send a message as the user and return the bot's next message to them."""
        before = len(self.api.messages_to(user_id))
        self.api.user_sends(user_id, text, language_code=language)
        messages = await self.api.wait_for_messages(user_id, before + 1)
        return messages[before]

    async def stop(self) -> None:
        if self.app.updater and self.app.updater.running:
            await self.app.updater.stop()
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()
        if self.app.post_shutdown:
            await self.app.post_shutdown(self.app)


async def start_bot(
    api: FakeBotAPI,
    tmp_path: Path,
    *,
    clock: FakeClock | None = None,
    ops: Ops | None = None,
    database: TestDatabase | None = None,
    **settings: Any,
) -> Harness:
    """Build and start the bot the way `mujaz run` does, but in this event loop.

    With `webhook_url` among the settings it starts in webhook mode (as `run_webhook`),
    otherwise it polls. `ops` brings health, metrics and alerts with a clock of the test's.
    `database` (tests/backends.py) picks the backend; without it, SQLite under `tmp_path`."""
    feeds_file = tmp_path / "feeds.toml"
    if not feeds_file.exists():
        feeds_file.write_text("")
    config = load_settings(
        bot_token=api.token,
        telegram_api_url=api.url,
        **(database.settings() if database else {"database_path": tmp_path / "mujaz.db"}),
        feeds_file=feeds_file,
        **{"allow_private_feeds": True, **settings},  # the feed server is on 127.0.0.1
    )
    clock = clock or FakeClock(datetime.now(UTC))
    app = build_application(config, clock=clock, jobs=False, ops=ops)
    await app.initialize()
    assert app.post_init is not None
    await app.post_init(app)
    if config.webhook_url:
        await start_webhook(app, config)
        return Harness(api, app, clock)
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1, allowed_updates=Update.ALL_TYPES)
    return Harness(api, app, clock)


def free_port() -> int:
    """A port free on 127.0.0.1 now (for a webhook URL, which must be known before start)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@asynccontextmanager
async def running(api: FakeBotAPI, tmp_path: Path, **options: Any) -> AsyncIterator[Harness]:
    """`start_bot` for the length of a block: the bot stops however the block ends."""
    harness = await start_bot(api, tmp_path, **options)
    try:
        yield harness
    finally:
        await harness.stop()
