"""Telegram's refusals on demand: injected failures, blocked chats and rate limits.

All of them answer before a method does any work, except a block, which a send only hits
after its request proved valid, as on Telegram.
"""

from __future__ import annotations

import asyncio
import collections
import math
import re
import time
from dataclasses import dataclass
from typing import Any

from .protocol import ApiError, JSONDict

# Methods that send a message: these count against the rate limits.
_SENDING_METHODS = frozenset({"sendMessage", "copyMessage", "sendPhoto"})

_BLOCKED_REASONS = {
    "private": "Forbidden: bot was blocked by the user",
    "group": "Forbidden: bot was kicked from the group chat",
    "supergroup": "Forbidden: bot was kicked from the supergroup chat",
    "channel": "Forbidden: bot is not a member of the channel chat",
}


def now() -> float:
    """The fake's clock: the event loop's, so on a virtual clock (looptime) arrivals are
    counted on virtual time; outside a loop, time.monotonic() (which the loop's is too)."""
    try:
        return asyncio.get_running_loop().time()
    except RuntimeError:
        return time.monotonic()


def most_in_any_window(times: list[float], period: float) -> int:
    """The most of `times` that a window of `period` seconds, slid over them, ever holds
    (a window [t, t + period), as Telegram's limits count: a send `period` after another
    no longer shares its window)."""
    ordered = sorted(times)
    most = start = 0
    for end, at in enumerate(ordered):
        while ordered[start] <= at - period:
            start += 1
        most = max(most, end - start + 1)
    return most


@dataclass(frozen=True)
class RateLimit:
    """At most ``count`` sends in any ``period`` seconds, as Telegram states its limits.

    With ``burst``, the limit is an average instead (a token bucket): ``burst`` sends more
    than the pace may come at once, as Telegram tolerates short bursts in a chat.
    """

    count: int
    period: float
    burst: int | None = None


class _SlidingWindow:
    def __init__(self, limit: RateLimit) -> None:
        self.limit = limit
        self.accepted: collections.deque[float] = collections.deque()
        self._tat = 0.0  # with a burst: the theoretical arrival time of the next send

    def wait(self, now: float) -> float:
        """Seconds until one more send fits; 0 when it fits now."""
        interval = self.limit.period / self.limit.count
        if self.limit.burst is not None:
            return max(0.0, self._tat - self.limit.burst * interval - now)
        while self.accepted and self.accepted[0] <= now - self.limit.period:
            self.accepted.popleft()
        if len(self.accepted) < self.limit.count:
            return 0.0
        return self.accepted[0] + self.limit.period - now

    def accept(self, now: float) -> None:
        interval = self.limit.period / self.limit.count
        self._tat = max(self._tat, now) + interval
        if self.limit.burst is None:
            self.accepted.append(now)


@dataclass
class _Failure:
    method: str
    error_code: int
    description: str
    retry_after: float | None
    migrate_to_chat_id: int | None
    chat_id: int | None
    remaining: int


class Limits:
    """What the fake refuses besides invalid requests. ``throttled`` and ``counted`` are the
    lists FakeBotAPI shows to tests."""

    def __init__(self) -> None:
        # (time, method, chat_id, retry_after) of every 429 the rate limits answered.
        self.throttled: list[tuple[float, str, Any, float]] = []
        # (time, method, chat_id) of every send that passed the rate limits, refused
        # ones (403, chat not found) included: what Telegram counts against its limits.
        self.counted: list[tuple[float, str, Any]] = []
        self._blocked: set[int] = set()
        self._failures: list[_Failure] = []
        self._overall: _SlidingWindow | None = None
        self._private_chat: RateLimit | None = None
        self._chat_windows: dict[int, _SlidingWindow] = {}
        self._retry_unit = 1.0

    # ==== blocks =================================================================================

    def block(self, chat_id: int) -> None:
        """From now on, sends to the chat fail with 403, as when a user blocks the bot."""
        self._blocked.add(chat_id)

    def unblock(self, chat_id: int) -> None:
        self._blocked.discard(chat_id)

    def check_not_blocked(self, chat_id: int, chat_type: str) -> None:
        """The 403 a send to a chat that blocked (or removed) the bot gets."""
        if chat_id in self._blocked:
            raise ApiError(403, _BLOCKED_REASONS[chat_type])

    # ==== configuration ==========================================================================

    def fail_next(
        self,
        method: str,
        *,
        error_code: int,
        description: str,
        retry_after: float | None = None,
        migrate_to_chat_id: int | None = None,
        chat_id: int | None = None,
        times: int = 1,
    ) -> None:
        """The next ``times`` calls of ``method`` (only those to ``chat_id`` if given) fail.

        429 always carries ``parameters.retry_after`` (default 1), as Telegram's does, so PTB
        raises RetryAfter. ``migrate_to_chat_id`` makes PTB raise ChatMigrated.
        """
        if error_code == 429 and retry_after is None:
            match = re.search(r"retry after (\d+)", description)
            retry_after = int(match.group(1)) if match else 1
        self._failures.append(
            _Failure(
                method, error_code, description, retry_after, migrate_to_chat_id, chat_id, times
            )
        )

    def clear_failures(self) -> None:
        """Injected failures not yet used up are dropped: Telegram answers normally again."""
        self._failures.clear()

    def set_rate_limits(
        self,
        *,
        overall: RateLimit | None = None,
        private_chat: RateLimit | None = None,
        retry_unit: float = 1.0,
    ) -> None:
        """Answers 429 with ``retry_after`` like Telegram when sends go over these limits.

        ``private_chat`` applies to each private chat (a positive chat id) on its own. Counted
        are sends (sendMessage, copyMessage, sendPhoto) that reach the limit check, refused
        ones (403, chat not found) included. ``retry_after`` is the wait until the window has
        room, rounded up to ``retry_unit`` seconds: Telegram says whole seconds (1.0); a test
        that scales time down tenfold passes 0.1. None switches a limit off.
        """
        self._overall = _SlidingWindow(overall) if overall else None
        self._private_chat = private_chat
        self._chat_windows = {}
        self._retry_unit = retry_unit

    # ==== checks =================================================================================

    def check(self, method: str, params: JSONDict) -> None:
        """Raises the answer an injected failure or a rate limit gives this request, if any."""
        self._raise_injected_failure(method, params)
        self._check_rate_limits(method, params)

    def _raise_injected_failure(self, method: str, params: JSONDict) -> None:
        for failure in self._failures:
            if failure.method.lower() != method.lower():
                continue
            if failure.chat_id is not None and params.get("chat_id") != failure.chat_id:
                continue
            failure.remaining -= 1
            if failure.remaining <= 0:
                self._failures.remove(failure)
            parameters: JSONDict = {}
            if failure.retry_after is not None:
                parameters["retry_after"] = failure.retry_after
            if failure.migrate_to_chat_id is not None:
                parameters["migrate_to_chat_id"] = failure.migrate_to_chat_id
            raise ApiError(failure.error_code, failure.description, parameters or None)

    def _check_rate_limits(self, method: str, params: JSONDict) -> None:
        if method not in _SENDING_METHODS:
            return
        chat_id = params.get("chat_id")
        windows: list[_SlidingWindow] = []
        if self._overall is not None:
            windows.append(self._overall)
        if self._private_chat is not None and isinstance(chat_id, int) and chat_id > 0:
            window = self._chat_windows.get(chat_id)
            if window is None:
                window = self._chat_windows[chat_id] = _SlidingWindow(self._private_chat)
            windows.append(window)
        at = now()
        wait = max((window.wait(at) for window in windows), default=0.0)
        if wait > 0:
            unit = self._retry_unit
            retry_after: float = max(unit, math.ceil(round(wait / unit, 6)) * unit)
            if unit >= 1:
                retry_after = int(retry_after)
            self.throttled.append((at, method, chat_id, retry_after))
            raise ApiError(
                429,
                f"Too Many Requests: retry after {retry_after:g}",
                {"retry_after": retry_after},
            )
        for window in windows:
            window.accept(at)
        self.counted.append((at, method, chat_id))
