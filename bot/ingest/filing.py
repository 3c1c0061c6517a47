"""The last stage of ingestion: file the articles just stored under stories.

Filing writes `articles.story_id`; it runs here, once per pass, so that reading a
digest (and `mujaz preview`) never writes. The filer keeps one story index
(bot.core.cluster.StoryIndex) for the life of the process: each pass adds the articles
filed since by anyone else (a restart, `mujaz ingest` beside the bot), then files the
new ones in order of publication, each against the stories before it.

The index is made with the filer, at start-up, not on first use: compiling its entity
layer holds the interpreter lock for about half a second (the automaton is built in
Rust), so a thread would not keep that wait off the event loop in the middle of a pass.
"""

from __future__ import annotations

import asyncio

from bot.core.cluster import WINDOW, StoryDoc, StoryIndex
from storage.stories import StoryRepository


class StoryFiler:
    def __init__(self, stories: StoryRepository, index: StoryIndex | None = None) -> None:
        self.stories = stories
        self._index = StoryIndex() if index is None else index  # see the module's notes
        # One run at a time: two passes at once (the tick and /ingest) must not file the
        # same article twice against different views of the stories.
        self._running = asyncio.Lock()

    async def file_new_articles(self) -> int:
        """Put every article that has no story yet under one; returns how many were filed."""
        async with self._running:
            pending = await self.stories.unassigned()
            if not pending:
                return 0
            since = min(d.published_at for d in pending) - WINDOW
            earlier = await self.stories.assigned_since(since)
            filed = await asyncio.to_thread(self._file, pending, earlier)
            await self.stories.assign(filed)
            return len(pending)

    def _file(self, pending: list[StoryDoc], earlier: list[StoryDoc]) -> dict[int, int]:
        self._index.sync(earlier)
        return self._index.assign(pending)
