"""Counting sends the way Telegram counts them, so the outbox never goes over a limit.

Telegram states its limits as "N messages per period" (30 a second across chats,
1 a second to one chat, 20 a minute to one group), and counts a request when it
*arrives*, somewhere between when it left and when its answer came back. The client
sees only those two. Counting each slot from the answer (as this module once did) is
always safe but costs a round trip a period: 0.81 of the limit against a Bot API
150 ms away. Counting from the departure costs nothing, and is safe as long as
requests take the same time to get there, which they mostly do:

- A `Window` counts a slot from the moment its request *leaves* for its period and a
  margin (ARRIVAL_MARGIN, a hundredth of the period) for the usual jitter on the way.
- A request whose answer took longer than usual (`RoundTrips`: above nine in ten of
  the recent ones) may have arrived late by as much: a stalled event loop between the
  departure and the wire, a congested link, a busy server. Its slot is held that much
  longer, so the sends after it cannot bunch up behind it at the server.
- So is the slot of a request on its way while the event loop stalled (`Stalls`), by
  the length of the stall: its answer may not show it.
- A slot is held until its answer anyway: if Telegram stops answering, at most N
  requests are on their way, not N more every period.

The usual jitter of the way back (a slow answer, not a late arrival) costs nothing.

Plain arithmetic on times passed in: no clock, no asyncio, easy to test.
"""

from __future__ import annotations

import bisect
import heapq
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


ARRIVAL_MARGIN = 0.01  # of each period: how much arrivals may bunch up on the way there


class RoundTrips:
    """How long answers usually take: the `quantile` of the last `keep` round trips."""

    __slots__ = ("_recent", "_sorted", "keep", "quantile")

    def __init__(self, *, keep: int = 200, quantile: float = 0.9) -> None:
        self.keep, self.quantile = keep, quantile
        self._recent: deque[float] = deque()
        self._sorted: list[float] = []

    def observe(self, seconds: float) -> float:
        """Note one round trip; return how much later than usual it was (0 if not)."""
        self._recent.append(seconds)
        bisect.insort(self._sorted, seconds)
        if len(self._recent) > self.keep:
            del self._sorted[bisect.bisect_left(self._sorted, self._recent.popleft())]
        usual = self._sorted[min(len(self._sorted) - 1, int(self.quantile * len(self._sorted)))]
        return max(0.0, seconds - usual)


class Stalls:
    """When the event loop was late, and by how much: a stalled loop holds up requests on
    their way out (and, on one host with a test's fake, on their way in), so they may
    arrive bunched up with the ones sent after the stall."""

    __slots__ = ("_seen", "noted")

    def __init__(self, *, noted: float = 0.002) -> None:
        self.noted = noted  # lateness below this is the loop's ordinary jitter
        self._seen: deque[tuple[float, float]] = deque(maxlen=256)  # (end, seconds late)

    def observe(self, now: float, late: float) -> None:
        """A wake-up meant for `now - late` came at `now`."""
        if late > self.noted:
            self._seen.append((now, late))

    def since(self, moment: float) -> float:
        """The longest stall that ended after `moment` (0 if none)."""
        longest = 0.0
        for end, late in reversed(self._seen):  # in the order they ended
            if end < moment:
                break
            longest = max(longest, late)
        return longest


class Window:
    """Slots of one limit. A slot is taken when its request is let go; it counts from the
    moment the request leaves until `hold` later (the period and the margin, and however
    late its answer was), and until its answer if that comes later still."""

    __slots__ = ("_expiries", "hold", "in_flight", "limit")

    def __init__(self, limit: Limit) -> None:
        self.limit = limit
        self.hold = limit.period * (1.0 + ARRIVAL_MARGIN)
        self.in_flight = 0  # let go and not answered yet
        self._expiries: list[float] = []  # a heap: departure + hold of the answered ones

    def free(self, now: float) -> int:
        """Slots usable at `now` (negative when replies went over, see `take`)."""
        expiries = self._expiries
        while expiries and expiries[0] <= now:
            heapq.heappop(expiries)
        return self.limit.count - self.in_flight - len(expiries)

    def next_free(self, now: float) -> float | None:
        """When a slot will be free; None when that waits on an answer."""
        missing = 1 - self.free(now)
        if missing <= 0:
            return now
        if missing == 1 and self._expiries:
            return self._expiries[0]
        if missing <= len(self._expiries):
            return heapq.nsmallest(missing, self._expiries)[-1]
        return None

    def take(self) -> None:
        """A request is let go. May go over the limit: replies are not held back by it."""
        self.in_flight += 1

    def release(self, now: float, left_at: float | None, late: float = 0.0) -> None:
        """Its answer (or its failure) came back at `now`; it had left at `left_at`, or
        never (None: it counted for nothing). `late`: how much later than usual the answer
        came, and so, perhaps, the request arrived."""
        self.in_flight -= 1
        if left_at is not None and left_at + self.hold + late > now:
            heapq.heappush(self._expiries, left_at + self.hold + late)

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
    """One overall limit: its window, and the even spacing of bulk sends at its pace.

    No slot is kept idle for replies: bulk may use them all, and a reply, served first,
    takes the next slot that frees, a few sends' spacing away at most."""

    __slots__ = ("spacer", "window")

    def __init__(self, limit: Limit | None) -> None:
        self.window: Window | None = None
        self.spacer: Spacer | None = None
        if limit is not None:
            self.window = Window(limit)
            self.spacer = Spacer(self.window.hold / limit.count)


class ChatPace:
    """One chat: bulk keeps its window strictly; replies keep its pace with a short burst."""

    __slots__ = ("replies", "window")

    def __init__(self, limit: Limit) -> None:
        self.window = Window(limit)
        self.replies = Spacer(limit.interval, burst=REPLY_BURST + 1)

    def idle(self, now: float) -> bool:
        return self.window.idle(now) and self.replies.ready_at() <= now - self.window.limit.period
