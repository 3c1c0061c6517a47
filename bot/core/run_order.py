"""The order a digest run sends in, how early it may start, and how late it was.

Plain values only. A run sends in the order readers' times fell due: a reader whose time
is 08:00 never waits behind one whose time is 08:05. Inside one minute the order is a
`turn`: chats that share a rendering stay together (so it is made once), and both the
groups and the chats inside a group are shuffled by a hash of the local date, so the
order is the same all day (a restart keeps it) and no chat is last every day.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

_GROUP_BITS = 31
_CHAT_BITS = 32


def _hash(text: str, bits: int) -> int:
    digest = hashlib.blake2b(text.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> (64 - bits)


def turn(group: object, chat_id: int, day: date) -> int:
    """A chat's place among the chats due the same minute (smaller goes first).

    `group` is what chats sharing a rendering have in common (their rendering key);
    its repr is hashed, so it must not hold anything that changes between runs.
    """
    return (_hash(f"{day}|{group!r}", _GROUP_BITS) << _CHAT_BITS) | _hash(
        f"{day}|{chat_id}", _CHAT_BITS
    )


def lead_for(readers: int, rate: float, most: timedelta) -> timedelta:
    """How early a run for `readers` due at one time starts: enough that sending them at
    `rate` a second centres on the time, never more than `most` (DIGEST_LEAD_MINUTES)."""
    if most <= timedelta(0) or readers <= 0:
        return timedelta(0)
    if rate <= 0:  # no limit: they all leave at once
        return timedelta(0)
    return min(most, timedelta(seconds=readers / rate / 2))


@dataclass(frozen=True)
class Lateness:
    """How long after their chosen time a run's digests left, in seconds (negative: early).

    Nearest-rank percentiles: the median is the value half the digests reached, p95 the
    one 95 in 100 did, max the last.
    """

    digests: int = 0
    median: float | None = None
    p95: float | None = None
    max: float | None = None

    def minutes(self, value: float | None) -> float | None:
        return None if value is None else round(value / 60, 1)


class LatenessTally:
    """Lateness counted per whole second, so a run of a million digests keeps a few
    thousand numbers, not a million."""

    def __init__(self, seconds: Iterable[tuple[int, int]] = ()) -> None:
        self.counts: Counter[int] = Counter(dict(seconds))
        self.largest: float | None = None
        if self.counts:
            self.largest = float(max(self.counts))

    def add(self, seconds: float) -> None:
        self.counts[math.floor(seconds)] += 1
        self.largest = seconds if self.largest is None else max(self.largest, seconds)

    def summary(self) -> Lateness:
        total = sum(self.counts.values())
        if not total:
            return Lateness()
        median_rank, p95_rank = math.ceil(total * 0.5), math.ceil(total * 0.95)
        median = p95 = None
        seen = 0
        for second in sorted(self.counts):
            seen += self.counts[second]
            if median is None and seen >= median_rank:
                median = float(second)
            if seen >= p95_rank:
                p95 = float(second)
                break
        return Lateness(total, median, p95, self.largest)
