"""/search and inline mode ask this: a reader's query against the stored articles, ranked."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime

from bot.core.search import Hit, Query, rank, since
from storage.search import SearchIndex

log = logging.getLogger(__name__)


class StorySearch:
    def __init__(self, index: SearchIndex, clock: Callable[[], datetime]) -> None:
        self.index = index
        self.clock = clock
        self._catching_up: asyncio.Task[int] | None = None

    async def find(self, query: Query, *, limit: int) -> list[Hit]:
        """The `limit` best stories of the last 30 days for `query`, best first."""
        now = self.clock()
        return rank(await self.index.find(query, since(now)), now, limit)

    def start_catch_up(self) -> None:
        """Index what was stored before the index existed, beside the running bot: a
        month of news takes about a minute, and readers are answered meanwhile."""
        self._catching_up = asyncio.create_task(self._catch_up())

    async def _catch_up(self) -> int:
        try:
            return await self.index.catch_up()
        except Exception:
            log.exception("the search index could not be brought up to date")
            return 0

    async def close(self) -> None:
        if self._catching_up is not None:
            self._catching_up.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._catching_up
