"""`mujaz stories [--since 24h] [--explain ID]`: the stories filed, and why an article is in one."""

from __future__ import annotations

from datetime import timedelta

from bot.config import Settings
from bot.core import story_report
from bot.core.cluster import HORIZON, WINDOW, StoryIndex
from bot.errors import MujazError
from storage.connect import open_database
from storage.db import utc_now
from storage.stories import StoryRepository


async def run(settings: Settings, since: timedelta, explain: int | None) -> int:
    db = await open_database(settings.database_path, settings.database_url)
    try:
        repository = StoryRepository(db)
        if explain is None:
            print(story_report.stories(await repository.filed_since(utc_now() - since)))
        else:
            print(await _explain(repository, explain))
    finally:
        await db.close()
    return 0


async def _explain(repository: StoryRepository, article_id: int) -> str:
    """Replay the window before the article (as filed), then compare the article with it."""
    doc = await repository.doc(article_id)
    if doc is None:
        raise MujazError(f"no article {article_id}")
    earlier = [
        d
        for d in await repository.filed_between(
            doc.published_at - WINDOW - HORIZON, doc.published_at
        )
        if (d.published_at, d.id) < (doc.published_at, doc.id)
    ]
    index = StoryIndex()
    index.sync(earlier)
    titles: dict[int, str] = {}
    for d in sorted(earlier, key=lambda d: (d.published_at, d.id), reverse=True):
        if d.story_id is not None:
            titles[d.story_id] = d.title  # the story's earliest article wins
    if doc.story_id == doc.id:
        titles[doc.id] = doc.title
    return story_report.explanation(
        doc, index.compare(doc), titles, threshold=index.threshold, model=index.model
    )
