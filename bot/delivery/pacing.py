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


REPLY_BURST = 10  # replies a chat may get at once beyond its pace (Telegram allows bursts)

# Telegram's published limits (core.telegram.org/bots/faq).
OVERALL = Limit(30, 1.0)
PRIVATE_CHAT = Limit(1, 1.0)
GROUP_CHAT = Limit(20, 60.0)


@dataclass(frozen=True)
class Limits:
    """The limits the outbox keeps; None switches one off."""

    overall: Limit | None = OVERALL
    private_chat: Limit | None = PRIVATE_CHAT
    group_chat: Limit | None = GROUP_CHAT
    paid: Limit | None = None  # allow_paid_broadcast: up to 1000 a second, for a fee
    bulk_retries: int = 20  # 429s one bulk request may get before it counts as failed
    reply_retries: int = 3

    @classmethod
    def off(cls) -> Limits:
        return cls(overall=None, private_chat=None, group_chat=None)

    @classmethod
    def from_rates(
        cls, *, overall: float, private_chat: float, group_per_minute: float, paid: float = 0
    ) -> Limits:
        """Limits from rates a second (a minute for groups); 0 switches one off."""
        return cls(
            overall=_limit(overall, 1.0),
            private_chat=_limit(private_chat, 1.0, one_at_a_time=True),
            group_chat=_limit(group_per_minute, 60.0),
            paid=_limit(paid, 1.0),
        )


def _limit(rate: float, unit: float, *, one_at_a_time: bool = False) -> Limit | None:
    """`rate` per `unit` seconds as a window; a private chat gets one message per interval."""
    if rate <= 0:
        return None
    count = 1 if one_at_a_time else max(1, round(rate))
    return Limit(count, unit * count / rate)


class Pace:
    """One overall limit: its window, bulk's share of it (all but a few slots, kept for
    replies, so that a reply never waits for bulk) and the even spacing of bulk sends."""

    __slots__ = ("bulk", "spacer", "window")

    def __init__(self, limit: Limit | None) -> None:
        self.window = Window(limit) if limit is not None else None
        self.spacer = Spacer(limit.interval) if limit is not None else None
        self.bulk = None
        if limit is not None and limit.count > 2:
            kept = max(2, limit.count // 15)  # for replies: a busy chat's and one more
            self.bulk = Window(Limit(limit.count - kept, limit.period))


class ChatPace:
    """One chat: bulk keeps its window strictly; replies keep its pace with a short burst."""

    __slots__ = ("replies", "window")

    def __init__(self, limit: Limit) -> None:
        self.window = Window(limit)
        self.replies = Spacer(limit.interval, burst=REPLY_BURST + 1)

    def idle(self, now: float) -> bool:
        return self.window.idle(now) and self.replies.ready_at() <= now - self.window.limit.period
