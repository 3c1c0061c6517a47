"""New articles wake the digest planner (issue 14), rather than it polling for them.

The ingest side says `articles_stored(n)`: in the same process directly (`--role all`, and
every SQLite deployment), from another process through PostgreSQL's LISTEN/NOTIFY
(storage/article_notify.py). The bot side's `wake_loop` then runs the planner at once
instead of at its next tick; wake-ups that come while it runs fold into one.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


class PlannerWake:
    def __init__(self) -> None:
        self._event = asyncio.Event()
        self._articles = 0

    def articles_stored(self, count: int) -> None:
        """`count` new articles are readable (0: maybe some; a lost notification)."""
        self._articles += count
        self._event.set()

    @property
    def pending(self) -> bool:
        return self._event.is_set()

    async def wait(self) -> int:
        """Until woken; the articles reported since the last wake-up."""
        await self._event.wait()
        self._event.clear()
        count, self._articles = self._articles, 0
        return count


async def wake_loop(wake: PlannerWake, plan: Callable[[], Awaitable[object]]) -> None:
    """Run `plan` each time new articles arrive, until cancelled; a failure is logged."""
    while True:
        count = await wake.wait()
        log.debug("planner woken by %d new articles", count)
        try:
            await plan()
        except Exception:
            log.exception("the planner failed after new articles")
