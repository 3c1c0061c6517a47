"""What the outbox knows of a request beyond its chat: its lane, its ticket, and the clock
it is paced on. Kept apart from the outbox so that senders need not import its machinery."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from enum import IntEnum
from typing import Protocol


class Lane(IntEnum):
    REPLY = 0
    DIGEST = 1
    BROADCAST = 2


class Clock(Protocol):
    """Monotonic seconds, and waiting on them."""

    def now(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...

    async def wait(self, event: asyncio.Event, seconds: float) -> None:
        """Return once `event` is set or `seconds` have passed."""
        ...


class LoopClock:
    """The running event loop's time (`loop.time()`) and asyncio's waiting."""

    def now(self) -> float:
        return asyncio.get_running_loop().time()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

    async def wait(self, event: asyncio.Event, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await event.wait()


class OutboxStopped(Exception):
    """The bot is shutting down; this request never left."""


@dataclass(eq=False)
class Ticket:
    """What the outbox needs to know about one request beyond its chat."""

    lane: Lane = Lane.REPLY
    on_dispatch: Callable[[], Awaitable[None]] | None = None
    paid: bool = False  # sent with allow_paid_broadcast: counted against the paid limit
    dispatched: bool = False


_lane: ContextVar[Lane] = ContextVar("mujaz_outbox_lane", default=Lane.REPLY)


@contextlib.contextmanager
def sending_as(lane: Lane) -> Iterator[None]:
    """Requests made inside (and in tasks started inside) go in `lane`."""
    token = _lane.set(lane)
    try:
        yield
    finally:
        _lane.reset(token)


def current_lane() -> Lane:
    return _lane.get()
