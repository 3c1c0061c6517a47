"""The last stage of ingestion: file the articles just stored under stories.

Filing writes `articles.story_id`; it runs here, once per pass, so that reading a
digest (and `mujaz preview`) never writes. Articles are filed in one batch per pass:
stories an outlet's article bridges within the batch merge, whatever the order the
feeds answered in.
"""

from __future__ import annotations

import asyncio

from bot.core.cluster import WINDOW, assign_stories
from storage.stories import StoryRepository


class StoryFiler:
    def __init__(self, stories: StoryRepository) -> None:
        self.stories = stories
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
            await self.stories.assign(assign_stories(pending, earlier))
            return len(pending)
