"""A chat that floods the bot with commands is told once to slow down, then ignored a while.

Each chat may send `limit` commands or button presses in any `window` seconds; the first
one over gets «مهلًا», the rest until the window clears are dropped unanswered. Memory is
bounded however many chats flood: only chats seen within the window are remembered.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from enum import Enum


class Verdict(Enum):
    PASS = "pass"
    WARN = "warn"  # the first one over the limit: answer «مهلًا» once
    DROP = "drop"


class FloodGuard:
    def __init__(
        self, clock: Callable[[], float], *, limit: int = 10, window: float = 10.0
    ) -> None:
        self.clock = clock
        self.limit = limit
        self.window = window
        self._seen: dict[int, deque[float]] = {}
        self._warned: dict[int, float] = {}
        self._last_sweep = 0.0

    def check(self, chat_id: int) -> Verdict:
        now = self.clock()
        self._sweep(now)
        times = self._seen.setdefault(chat_id, deque())
        while times and now - times[0] >= self.window:
            times.popleft()
        if len(times) < self.limit:
            times.append(now)
            self._warned.pop(chat_id, None)
            return Verdict.PASS
        if chat_id in self._warned:
            return Verdict.DROP
        self._warned[chat_id] = now
        return Verdict.WARN

    def _sweep(self, now: float) -> None:
        """Forget chats quiet for a whole window (at most once a window)."""
        if now - self._last_sweep < self.window:
            return
        self._last_sweep = now
        quiet = [c for c, t in self._seen.items() if not t or now - t[-1] >= self.window]
        for chat_id in quiet:
            del self._seen[chat_id]
            self._warned.pop(chat_id, None)
