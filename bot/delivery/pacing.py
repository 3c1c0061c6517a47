"""Counting sends the way Telegram counts them, so the outbox never goes over a limit.

Telegram states its limits as "N messages per period" (30 a second across chats,
1 a second to one chat, 20 a minute to one group). A server counts a request when
it *arrives*; the client only knows when it left and when the answer came back.
So a `Window` holds a slot from the moment a request leaves until `period` after
its answer: any N+1 requests then span more than `period` at the server, whatever
the network jitter. On loopback that costs nothing; against Telegram, one
round-trip per period.

Plain arithmetic on times passed in: no clock, no asyncio, easy to test.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    """At most `count` requests in any `period` seconds."""

    count: int
    period: float

    @property
    def interval(self) -> float:
        """The even spacing that uses the whole limit."""
        return self.period / self.count


class Window:
    """Slots of one limit: taken when a request leaves, freed `period` after its answer."""

    __slots__ = ("_expiries", "in_flight", "limit")

    def __init__(self, limit: Limit) -> None:
        self.limit = limit
        self.in_flight = 0
        self._expiries: deque[float] = deque()  # answer + period, in the order answers came

    def free(self, now: float) -> int:
        """Slots usable at `now` (negative when replies went over, see `take`)."""
        expiries = self._expiries
        while expiries and expiries[0] <= now:
            expiries.popleft()
        return self.limit.count - self.in_flight - len(expiries)

    def next_free(self, now: float, *, keep: int = 0) -> float | None:
        """When more than `keep` slots will be free; None when that waits on an answer."""
        missing = keep + 1 - self.free(now)
        if missing <= 0:
            return now
        if missing <= len(self._expiries):
            return self._expiries[missing - 1]
        return None

    def take(self) -> None:
        """A request leaves. May go over the limit: replies are not held back by it."""
        self.in_flight += 1

    def release(self, now: float) -> None:
        """Its answer (or its failure) came back at `now`."""
        self.in_flight -= 1
        self._expiries.append(now + self.limit.period)

    def idle(self, now: float) -> bool:
        return self.in_flight == 0 and self.free(now) == self.limit.count


class Spacer:
    """Even spacing between bulk sends, with a little catch-up after a slow loop turn."""

    __slots__ = ("_next", "burst", "interval")

    def __init__(self, interval: float, *, burst: int = 3) -> None:
        self.interval = interval
        self.burst = burst
        self._next = -math.inf  # a clock may start anywhere, 0 included: nothing sent yet

    def ready_at(self) -> float:
        return self._next

    def take(self, now: float, *, slowdown: float = 1.0) -> None:
        interval = self.interval * slowdown
        self._next = max(self._next, now - interval * (self.burst - 1)) + interval
