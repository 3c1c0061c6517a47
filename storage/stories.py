"""Stories: which articles tell the same event, and the fresh ones a digest draws from."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from bot.core.cluster import StoryDoc
from bot.core.digest import StoryArticle
from storage.backend import Backend
from storage.db import from_db_time, to_db_time


class StoryRepository:
    def __init__(self, db: Backend) -> None:
        self.db = db

    async def unassigned(self, limit: int = 20_000) -> list[StoryDoc]:
        rows = await self.db.fetchall(
            "SELECT id, title, summary, published_at FROM articles WHERE story_id IS NULL"
            " ORDER BY id LIMIT ?",
            (limit,),
        )
        return [_doc(r) for r in rows]

    async def assigned_since(self, since: datetime) -> list[StoryDoc]:
        rows = await self.db.fetchall(
            "SELECT id, title, summary, published_at, story_id FROM articles"
            " WHERE story_id IS NOT NULL AND published_at >= ?",
            (to_db_time(since),),
        )
        return [_doc(r, story_id=r["story_id"]) for r in rows]

    async def filed_between(self, since: datetime, until: datetime) -> list[StoryDoc]:
        """Articles filed under a story, published in [since, until]."""
        rows = await self.db.fetchall(
            "SELECT id, title, summary, published_at, story_id FROM articles"
            " WHERE story_id IS NOT NULL AND published_at >= ? AND published_at <= ?",
            (to_db_time(since), to_db_time(until)),
        )
        return [_doc(r, story_id=r["story_id"]) for r in rows]

    async def doc(self, article_id: int) -> StoryDoc | None:
        row = await self.db.fetchone(
            "SELECT id, title, summary, published_at, story_id FROM articles WHERE id = ?",
            (article_id,),
        )
        return _doc(row, story_id=row["story_id"]) if row else None

    async def filed_since(self, since: datetime) -> list[StoryArticle]:
        """Every article of the stories with an article published since `since`."""
        rows = await self.db.fetchall(
            "SELECT id, story_id, url, title, summary, source, published_at, lang, NULL AS topics"
            " FROM articles WHERE story_id IN (SELECT DISTINCT story_id FROM articles"
            "  WHERE story_id IS NOT NULL AND published_at >= ?)"
            " ORDER BY story_id, published_at, id",
            (to_db_time(since),),
        )
        return [_story_article(r) for r in rows]

    async def articles(self, story_id: int, *, keep: int | None = None) -> list[StoryArticle]:
        """The story's articles, one per outlet: `keep` (an article id: the lead a digest
        showed) first and kept for its outlet, then the earliest first."""
        rows = await self.db.fetchall(
            "SELECT id, story_id, url, title, summary, source, published_at, lang, NULL AS topics"
            " FROM articles WHERE story_id = ? ORDER BY id != ?, published_at, id",
            (story_id, keep or 0),
        )
        seen: set[str] = set()
        articles = []
        for row in rows:
            if row["source"] not in seen:
                seen.add(row["source"])
                articles.append(_story_article(row))
        return articles

    async def texts(self, article_ids: list[int]) -> dict[int, str]:
        """Article bodies, for matching readers' own phrases beyond headline and lead."""
        rows = await self.db.fetch_in("SELECT id, text FROM articles WHERE id IN ({})", article_ids)
        return {r["id"]: r["text"] for r in rows}

    async def newest_article(self) -> int:
        row = await self.db.fetchone("SELECT COALESCE(MAX(id), 0) FROM articles")
        return int(row[0]) if row else 0

    async def assign(self, stories: Mapping[int, int]) -> None:
        async with self.db.transaction() as tx:
            await tx.executemany(
                "UPDATE articles SET story_id = ? WHERE id = ?",
                [(story, article) for article, story in stories.items()],
            )

    async def fresh(
        self,
        topic_ids: Iterable[str] | None,
        *,
        newer_than: int,
        since: datetime,
        up_to: int | None = None,
    ) -> list[StoryArticle]:
        """Every article of the stories that touch the topics (None: of every story),
        started after `newer_than`."""
        topics = sorted(set(topic_ids)) if topic_ids is not None else None
        if topics == []:
            return []
        if topics is None:
            stories = "SELECT DISTINCT s.story_id FROM articles s WHERE"
        else:
            stories = (
                "SELECT DISTINCT s.story_id FROM articles s"
                " JOIN article_topics t ON t.article_id = s.id"
                f" WHERE t.topic_id IN ({','.join('?' * len(topics))}) AND"
            )
        joined = self.db.dialect.string_agg("topic_id || '=' || score", ";")
        rows = await self.db.fetchall(
            "SELECT a.id, a.story_id, a.url, a.title, a.summary, a.source, a.published_at, a.lang,"
            f" (SELECT {joined} FROM article_topics WHERE article_id = a.id) AS topics"
            f" FROM articles a WHERE a.story_id IN ({stories}"
            "  s.story_id > ? AND s.story_id <= ? AND s.published_at >= ?)",
            (*(topics or ()), newer_than, up_to if up_to is not None else 2**62, to_db_time(since)),
        )
        return [_story_article(r) for r in rows]


def _doc(row: Any, story_id: int | None = None) -> StoryDoc:
    return StoryDoc(
        id=row["id"],
        title=row["title"],
        lead=row["summary"],
        published_at=from_db_time(row["published_at"]),
        story_id=story_id,
    )


def _story_article(row: Any) -> StoryArticle:
    topics: dict[str, float] = {}
    for pair in (row["topics"] or "").split(";"):
        if pair:
            topic, score = pair.split("=")
            topics[topic] = float(score)
    return StoryArticle(
        id=row["id"],
        story_id=row["story_id"],
        url=row["url"],
        title=row["title"],
        summary=row["summary"],
        source=row["source"],
        published_at=from_db_time(row["published_at"]),
        topics=topics,
        lang=row["lang"],
    )
