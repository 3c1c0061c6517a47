"""Feeds: the list to poll and each one's last outcome."""

from __future__ import annotations

from typing import Any

from bot.models import Feed
from storage.db import Database, from_db_time, to_db_time, utc_now


class FeedRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(self, url: str, title: str | None = None) -> tuple[Feed, bool]:
        """The feed with this URL and whether it was new."""
        changed = await self.db.execute(
            "INSERT OR IGNORE INTO feeds (url, title, created_at) VALUES (?, ?, ?)",
            (url, title, to_db_time(utc_now())),
        )
        feed = await self.by_url(url)
        assert feed is not None
        return feed, changed == 1

    async def by_url(self, url: str) -> Feed | None:
        row = await self.db.fetchone("SELECT * FROM feeds WHERE url = ?", (url,))
        return _feed(row) if row else None

    async def get(self, feed_id: int) -> Feed | None:
        row = await self.db.fetchone("SELECT * FROM feeds WHERE id = ?", (feed_id,))
        return _feed(row) if row else None

    async def all(self, *, enabled_only: bool = False) -> list[Feed]:
        where = "WHERE enabled = 1" if enabled_only else ""
        return [
            _feed(r) for r in await self.db.fetchall(f"SELECT * FROM feeds {where} ORDER BY id")
        ]

    async def count(self) -> int:
        row = await self.db.fetchone("SELECT COUNT(*) FROM feeds")
        return int(row[0]) if row else 0

    async def remove(self, feed_id: int) -> bool:
        return await self.db.execute("DELETE FROM feeds WHERE id = ?", (feed_id,)) == 1

    async def record_success(
        self,
        feed_id: int,
        *,
        status: str,
        title: str | None,
        etag: str | None,
        last_modified: str | None,
    ) -> None:
        now = to_db_time(utc_now())
        await self.db.execute(
            "UPDATE feeds SET last_status = ?, title = COALESCE(title, ?), etag = ?,"
            " last_modified = ?, last_checked_at = ?, last_success_at = ?, last_error = NULL,"
            " error_count = 0 WHERE id = ?",
            (status, title, etag, last_modified, now, now, feed_id),
        )

    async def record_failure(self, feed_id: int, *, status: str, error: str) -> None:
        await self.db.execute(
            "UPDATE feeds SET last_status = ?, last_error = ?, last_checked_at = ?,"
            " error_count = error_count + 1 WHERE id = ?",
            (status, error[:500], to_db_time(utc_now()), feed_id),
        )


def _feed(row: Any) -> Feed:
    return Feed(
        id=row["id"],
        url=row["url"],
        title=row["title"],
        enabled=bool(row["enabled"]),
        etag=row["etag"],
        last_modified=row["last_modified"],
        last_success_at=from_db_time(row["last_success_at"]) if row["last_success_at"] else None,
        last_status=row["last_status"],
        last_error=row["last_error"],
        error_count=row["error_count"],
    )
