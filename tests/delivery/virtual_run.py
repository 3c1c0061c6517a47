"""A scheduled digest run on virtual time, at an exact pace, for tests of its order.

The bot's own services (real SQLite under tmp_path, the real digest run) send through a
real python-telegram-bot `ExtBot` whose rate limiter is `VirtualPace`: messages leave
one at a time, `1 / rate` virtual seconds apart, and the service's clock is moved to the
moment each leaves. Nothing else moves the clock, so database work takes no virtual
time and every figure is exact arithmetic, however busy the machine. Telegram is
`InstantTelegram`, which answers every request at once and notes what was sent when.

The pace keeps the outbox's contract (bot/delivery/lanes.py): a ticket's `on_dispatch`
runs once, as its request leaves, after all waiting.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from telegram.ext import ExtBot
from telegram.request import BaseRequest, RequestData

from bot.config import load_settings
from bot.context import Services
from bot.delivery.lanes import Lane, OutboxStopped, Ticket, sending_as
from bot.delivery.outbox import Outbox
from storage.db import to_db_time
from tests.backends import TestDatabase
from tests.bot.harness import FakeClock

ORIGIN = datetime(2026, 11, 30, tzinfo=UTC)


@dataclass(frozen=True)
class Sent:
    at: datetime
    chat: int
    text: str


class InstantTelegram(BaseRequest):
    """Answers getMe and sendMessage at once, noting each message with the clock's time."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.sent: list[Sent] = []
        self._ids = 0

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]
        if endpoint == "getMe":
            me = {"id": 1, "is_bot": True, "first_name": "Mujaz", "username": "mujaz_bot"}
            return 200, json.dumps({"ok": True, "result": me}).encode()
        assert endpoint == "sendMessage", endpoint
        assert request_data is not None
        params = request_data.parameters
        chat, text = int(str(params["chat_id"])), str(params["text"])
        self.sent.append(Sent(self.clock.now, chat, text))
        self._ids += 1
        message = {
            "message_id": self._ids,
            "date": int(self.clock.now.timestamp()),
            "chat": {"id": chat, "type": "private"},
            "text": text,
        }
        return 200, json.dumps({"ok": True, "result": message}).encode()


class VirtualPace(Outbox):
    """Messages leave in the order they ask, `1 / rate` virtual seconds apart.

    `at(moment, action)` runs `action` once, just before the first message that leaves at
    or after `moment` (a reader changing their time mid-run); `stop_after(n)` refuses
    every message after the n-th as a shutdown does (OutboxStopped).
    """

    def __init__(self, clock: FakeClock, rate: float) -> None:
        super().__init__()
        self.fake_clock = clock
        self.interval = 1 / rate
        self._next: float | None = None
        self._lock = asyncio.Lock()
        self._actions: list[tuple[datetime, Callable[[], Awaitable[None]]]] = []
        self.left = 0
        self.limit: int | None = None

    def at(self, moment: datetime, action: Callable[[], Awaitable[None]]) -> None:
        self._actions.append((moment, action))
        self._actions.sort(key=lambda pair: pair[0])

    def stop_after(self, messages: int | None) -> None:
        self.limit = messages

    async def process_request(
        self,
        callback: Callable[..., Any],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Ticket | None,
    ) -> Any:
        if endpoint != "sendMessage":
            return await callback(*args, **kwargs)
        async with self._lock:
            if self.limit is not None and self.left >= self.limit:
                raise OutboxStopped()
            now = (self.fake_clock.now - ORIGIN).total_seconds()
            leave = now if self._next is None else max(now, self._next)
            self._next = leave + self.interval
            self.fake_clock.now = ORIGIN + timedelta(seconds=leave)
            while self._actions and self._actions[0][0] <= self.fake_clock.now:
                _, action = self._actions.pop(0)
                await action()
            self.left += 1
            ticket = rate_limit_args
            if ticket is not None and not ticket.dispatched:
                ticket.dispatched = True
                if ticket.on_dispatch is not None:
                    await ticket.on_dispatch()
        return await callback(*args, **kwargs)


@dataclass
class VirtualRun:
    services: Services
    bot: ExtBot[Ticket]
    telegram: InstantTelegram
    pace: VirtualPace
    clock: FakeClock
    titles: list[str] = field(default_factory=list)

    async def send_due(self) -> dict[str, int]:
        with sending_as(Lane.DIGEST):
            return await self.services.digests.send_due(self.bot)

    async def close(self) -> None:
        await self.bot.shutdown()
        await self.services.close()


async def open_run(
    tmp_path: Path,
    clock: FakeClock,
    *,
    rate: float,
    page_size: int = 250,
    database: TestDatabase | None = None,
    **settings: Any,
) -> VirtualRun:
    """The services on `database` (default: SQLite under tmp_path), sending at `rate` a
    second on virtual time."""
    where = database.settings() if database else {"database_path": tmp_path / "mujaz.db"}
    config = load_settings(**where, bot_token=None, send_rate=rate, **settings)
    services = await Services.create(config, clock=clock)
    await services.deliveries.recover()  # what start-up does
    services.digests.planner.page_size = page_size
    telegram = InstantTelegram(clock)
    pace = VirtualPace(clock, rate)
    bot: ExtBot[Ticket] = ExtBot("123:VIRTUAL", request=telegram, rate_limiter=pace)
    await bot.initialize()
    return VirtualRun(services, bot, telegram, pace, clock)


async def add_chats(
    services: Services, chat_ids: Iterable[int], *, at: str, topic: str = "economy"
) -> None:
    """Readers in UTC whose digest time is `at` (HH:MM), subscribed to `topic`."""
    stamp = to_db_time(ORIGIN)
    ids = list(chat_ids)
    async with services.db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO users (chat_id, language, timezone, digest_times, created_at,"
            " updated_at) VALUES (?, 'ar', 'UTC', ?, ?, ?)",
            [(chat_id, at, stamp, stamp) for chat_id in ids],
        )
        await conn.executemany(
            "INSERT INTO subscriptions (chat_id, topic_id, created_at) VALUES (?, ?, ?)",
            [(chat_id, topic, stamp) for chat_id in ids],
        )


async def add_article(
    services: Services, article_id: int, title: str, *, published: datetime, topic: str = "economy"
) -> None:
    """A stored article, its own story, filed under `topic`."""
    when = to_db_time(published)
    url = f"https://news.example/{article_id}"
    async with services.db.transaction() as conn:
        await conn.execute(
            "INSERT INTO feeds (id, url, title, created_at)"
            " VALUES (1, 'https://news.example/rss', 'news', ?) ON CONFLICT DO NOTHING",
            (when,),
        )
        await conn.execute(
            "INSERT INTO articles (id, feed_id, guid, url, canonical_url, title, summary, text,"
            " source, published_at, fetched_at, story_id, lang)"
            " VALUES (?, 1, ?, ?, ?, ?, 'ملخص الخبر.', '', 'news', ?, ?, ?, 'ar')",
            (article_id, f"g{article_id}", url, url, title, when, when, article_id),
        )
        await conn.execute(
            "INSERT INTO article_topics (article_id, topic_id, score) VALUES (?, ?, 9)",
            (article_id, topic),
        )
