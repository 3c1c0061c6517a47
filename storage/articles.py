"""Articles and the topics they are filed under."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from bot.models import NewArticle, StoredArticle
from storage.db import Database, from_db_time, to_db_time, utc_now


class ArticleRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add_many(self, feed_id: int, articles: Iterable[NewArticle]) -> int:
        """Store the articles not seen before (same guid in this feed, or same canonical URL)."""
        added = 0
        fetched_at = to_db_time(utc_now())
        async with self.db.transaction() as conn:
            for article in articles:
                cursor = await conn.execute(
                    "INSERT OR IGNORE INTO articles (feed_id, guid, url, canonical_url, title,"
                    " summary, text, source, published_at, fetched_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        feed_id,
                        article.guid,
                        article.url,
                        article.canonical_url,
                        article.title,
                        article.summary,
                        article.text,
                        article.source,
                        to_db_time(article.published_at),
                        fetched_at,
                    ),
                )
                if cursor.rowcount != 1:
                    continue
                added += 1
                await conn.executemany(
                    "INSERT INTO article_topics (article_id, topic_id, score) VALUES (?, ?, ?)",
                    [(cursor.lastrowid, topic, score) for topic, score in article.topics.items()],
                )
        return added

    async def for_topics(
        self, topic_ids: Iterable[str], *, after_id: int | None, since: datetime, limit: int
    ) -> list[StoredArticle]:
        """Newest first: articles filed under any of the topics, stored after `after_id`."""
        topics = list(topic_ids)
        if not topics:
            return []
        marks = ",".join("?" * len(topics))
        rows = await self.db.fetchall(
            "SELECT a.id, a.url, a.title, a.summary, a.source, a.published_at,"
            " (SELECT group_concat(topic_id) FROM article_topics WHERE article_id = a.id) AS topics"
            " FROM articles a"
            " WHERE a.id > ? AND a.published_at >= ? AND EXISTS (SELECT 1 FROM article_topics t"
            f" WHERE t.article_id = a.id AND t.topic_id IN ({marks}))"
            " ORDER BY a.published_at DESC, a.id DESC LIMIT ?",
            (after_id or 0, to_db_time(since), *topics, limit),
        )
        return [
            StoredArticle(
                id=r["id"],
                url=r["url"],
                title=r["title"],
                summary=r["summary"],
                source=r["source"],
                published_at=from_db_time(r["published_at"]),
                topics=tuple(r["topics"].split(",")),
            )
            for r in rows
        ]

    async def max_id(self) -> int:
        row = await self.db.fetchone("SELECT COALESCE(MAX(id), 0) FROM articles")
        return int(row[0]) if row else 0

    async def count(self) -> int:
        row = await self.db.fetchone("SELECT COUNT(*) FROM articles")
        return int(row[0]) if row else 0
