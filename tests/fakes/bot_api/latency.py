"""The network between the bot and Telegram: a round trip, and its jitter.

On loopback a request arrives the instant it leaves and its answer comes at once; from
a real host each takes a way there and a way back. A request here waits half the
round trip before Telegram sees it (where the rate limits count it: its arrival), and
the other half after Telegram answered, before the answer reaches the bot.

``jitter`` varies each round trip by up to that much either way, on the way back
(Telegram's own work and the answer's way home): what a client measures as a slow
answer. ``arrival_jitter`` varies the way there instead: requests that left evenly
spaced then arrive bunched up, which no client can see; the outbox keeps a margin
for a little of it (bot/delivery/pacing.py, ARRIVAL_MARGIN).

The waits are the event loop's (``asyncio.sleep``), so on a virtual clock (looptime)
a 150 ms round trip costs no real time. Seeded: a run can be replayed.

``stall_next`` holds one request up on its way there, as a stalled event loop or a
congested link does: it arrives late, and its answer comes as late.
"""

from __future__ import annotations

import asyncio
import random


class Latency:
    def __init__(self) -> None:
        self.round_trip = 0.0
        self.jitter = 0.0
        self.arrival_jitter = 0.0
        self._random = random.Random(0)
        self._stalls: list[float] = []

    def set(
        self,
        round_trip: float,
        jitter: float = 0.0,
        *,
        arrival_jitter: float = 0.0,
        seed: int = 0,
    ) -> None:
        """Every request from now on takes `round_trip` seconds ± `jitter`, of which the way
        there is half the round trip ± `arrival_jitter`. Zeros: loopback again."""
        if min(round_trip, jitter, arrival_jitter) < 0:
            raise ValueError("a latency is never negative")
        self.round_trip, self.jitter, self.arrival_jitter = round_trip, jitter, arrival_jitter
        self._random = random.Random(seed)

    def stall_next(self, seconds: float) -> None:
        """The next request takes `seconds` longer to get there."""
        self._stalls.append(seconds)

    async def way_there(self) -> None:
        """Before Telegram sees the request."""
        stall = self._stalls.pop(0) if self._stalls else 0.0
        await self._wait(self.round_trip / 2 + stall, self.arrival_jitter)

    async def way_back(self) -> None:
        """After Telegram answered, before the bot has the answer."""
        await self._wait(self.round_trip / 2, self.jitter)

    async def _wait(self, base: float, jitter: float) -> None:
        seconds = base + (self._random.uniform(-jitter, jitter) if jitter else 0.0)
        if seconds > 0:
            await asyncio.sleep(seconds)
