"""Which alerts go out: each kind of trouble once per REPEAT_AFTER, and a few at most per
WINDOW, so a failure that repeats every second sends one message, not a flood.

Plain arithmetic on times passed in (monotonic seconds): easy to test with plain values.
"""

from __future__ import annotations

from collections import deque

REPEAT_AFTER = 3600.0  # the same key again within this long is a duplicate
WINDOW = 600.0
PER_WINDOW = 6  # alerts in any WINDOW; beyond that they are held back and counted


class AlertGate:
    def __init__(
        self,
        *,
        repeat_after: float = REPEAT_AFTER,
        window: float = WINDOW,
        per_window: int = PER_WINDOW,
    ) -> None:
        self.repeat_after = repeat_after
        self.window = window
        self.per_window = per_window
        self.held_back = 0  # alerts dropped by the rate limit since the last one that went
        self._last: dict[str, float] = {}
        self._sent: deque[float] = deque()

    def admit(self, key: str, now: float) -> bool:
        """Whether an alert under `key` goes out at `now` (it is then counted as sent)."""
        last = self._last.get(key)
        if last is not None and now - last < self.repeat_after:
            return False
        while self._sent and now - self._sent[0] >= self.window:
            self._sent.popleft()
        if len(self._sent) >= self.per_window:
            self.held_back += 1
            return False
        self._sent.append(now)
        self._last[key] = now
        if len(self._last) > 10_000:  # keys are few in practice; never grow without bound
            self._last = {k: t for k, t in self._last.items() if now - t < self.repeat_after}
        return True

    def take_held_back(self) -> int:
        """How many were held back since the last call: the next alert says so."""
        held, self.held_back = self.held_back, 0
        return held
