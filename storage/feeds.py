"""Feeds: the list to poll, when each is next due, and each one's last outcome.

The scheduler keeps no timer per feed: each tick asks `due()` which feeds'
next-check time has passed. Every check, good or bad, writes the next one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.errors import ConstraintError
from bot.models import Feed, FullText
from storage.backend import Backend
from storage.db import from_db_time, to_db_time


@dataclass(frozen=True)
class FeedHealth:
    """A feed with what an admin wants to see at a glance."""

    feed: Feed
    articles_recent: int  # stored in the window asked for (the last 24 hours in /feeds)


class FeedRepository:
    def __init__(self, db: Backend) -> None:
        self.db = db

    async def add(
        self,
        url: str,
        title: str | None = None,
        topics: tuple[str, ...] = (),
        *,
        enabled: bool = True,
    ) -> tuple[Feed, bool]:
        """The feed with this URL and whether it was new (an existing one keeps its topics
        and its state). `enabled=False` keeps a new feed out of the polled ones: a one-off
        pass (`mujaz ingest URL`) stores what it brings without subscribing the bot to it."""
        changed = await self.db.execute(
            "INSERT INTO feeds (url, title, created_at, topics, enabled)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (url, title, self.db.now(), " ".join(topics), int(enabled)),
        )
        feed = await self.by_url(url)
        assert feed is not None
        return feed, changed == 1

    async def by_url(self, url: str) -> Feed | None:
        row = await self.db.fetchone("SELECT * FROM feeds WHERE url = ?", (url,))
        return feed_of_row(row) if row else None

    async def get(self, feed_id: int) -> Feed | None:
        row = await self.db.fetchone("SELECT * FROM feeds WHERE id = ?", (feed_id,))
        return feed_of_row(row) if row else None

    async def all(self, *, enabled_only: bool = False) -> list[Feed]:
        where = "WHERE enabled = 1" if enabled_only else ""
        return [
            feed_of_row(r)
            for r in await self.db.fetchall(f"SELECT * FROM feeds {where} ORDER BY id")
        ]

    async def due(self, now: datetime, *, limit: int | None = None) -> list[Feed]:
        """Enabled feeds whose next check has come, the longest-waiting first."""
        rows = await self.db.fetchall(
            "SELECT * FROM feeds WHERE enabled = 1"
            " AND (next_check_at IS NULL OR next_check_at <= ?)"
            " ORDER BY next_check_at IS NOT NULL, next_check_at, id"
            + ("" if limit is None else " LIMIT ?"),
            (to_db_time(now),) if limit is None else (to_db_time(now), limit),
        )
        return [feed_of_row(r) for r in rows]

    async def count(self) -> int:
        row = await self.db.fetchone("SELECT COUNT(*) FROM feeds")
        return int(row[0]) if row else 0

    async def remove(self, feed_id: int) -> bool:
        """Delete the feed and, through the foreign keys, its articles."""
        return await self.db.execute("DELETE FROM feeds WHERE id = ?", (feed_id,)) == 1

    async def set_enabled(self, feed_id: int, enabled: bool) -> bool:
        """Switch polling on or off; switching on makes the feed due now and clears its errors."""
        if enabled:
            sql = "UPDATE feeds SET enabled = 1, next_check_at = NULL, error_count = 0 WHERE id = ?"
        else:
            sql = "UPDATE feeds SET enabled = 0 WHERE id = ?"
        return await self.db.execute(sql, (feed_id,)) == 1

    async def set_full_text(self, feed_id: int, mode: FullText) -> bool:
        return (
            await self.db.execute("UPDATE feeds SET full_text = ? WHERE id = ?", (mode, feed_id))
            == 1
        )

    async def set_topics(self, feed_id: int, topics: tuple[str, ...]) -> bool:
        """The feed's declared section (topic ids); empty for none."""
        return (
            await self.db.execute(
                "UPDATE feeds SET topics = ? WHERE id = ?", (" ".join(topics), feed_id)
            )
            == 1
        )

    async def set_title(self, feed_id: int, title: str | None) -> bool:
        return (
            await self.db.execute("UPDATE feeds SET title = ? WHERE id = ?", (title, feed_id)) == 1
        )

    async def move(self, feed_id: int, url: str) -> bool:
        """Follow a permanent redirect: the feed lives at `url` now.

        False when another feed already has that address (the two are then the
        same feed; the admin decides which to remove).
        """
        try:
            return (
                await self.db.execute("UPDATE feeds SET url = ? WHERE id = ?", (url, feed_id)) == 1
            )
        except ConstraintError:
            return False

    async def record_success(
        self,
        feed_id: int,
        *,
        status: str,
        title: str | None,
        etag: str | None,
        last_modified: str | None,
        next_check_at: datetime | None = None,
        body_hash: str | None = None,
        site_url: str | None = None,
    ) -> None:
        """The feed answered: store its validators, reset its errors, set its next check.

        `body_hash` and `site_url` of None keep what was stored (a 304 has no body).
        """
        now = self.db.now()
        await self.db.execute(
            "UPDATE feeds SET last_status = ?, title = COALESCE(title, ?), etag = ?,"
            " last_modified = ?, last_checked_at = ?, last_success_at = ?, last_error = NULL,"
            " error_count = 0, next_check_at = ?, body_hash = COALESCE(?, body_hash),"
            " site_url = COALESCE(?, site_url) WHERE id = ?",
            (
                status,
                title,
                etag,
                last_modified,
                now,
                now,
                _time_or_none(next_check_at),
                body_hash,
                site_url,
                feed_id,
            ),
        )

    async def record_failure(
        self,
        feed_id: int,
        *,
        status: str,
        error: str,
        next_check_at: datetime | None = None,
        disable: bool = False,
    ) -> None:
        """The feed failed: count the error, set the backed-off next check, maybe disable it."""
        await self.db.execute(
            "UPDATE feeds SET last_status = ?, last_error = ?, last_checked_at = ?,"
            " error_count = error_count + 1, next_check_at = ?,"
            " enabled = CASE WHEN ? = 1 THEN 0 ELSE enabled END WHERE id = ?",
            (
                status,
                error[:500],
                self.db.now(),
                _time_or_none(next_check_at),
                int(disable),
                feed_id,
            ),
        )

    async def health(self, since: datetime) -> list[FeedHealth]:
        """Every feed with the number of its articles stored since `since`."""
        rows = await self.db.fetchall(
            "SELECT f.*, (SELECT COUNT(*) FROM articles a WHERE a.feed_id = f.id"
            " AND a.fetched_at >= ?) AS recent FROM feeds f ORDER BY f.id",
            (to_db_time(since),),
        )
        return [FeedHealth(feed_of_row(r), int(r["recent"])) for r in rows]


def _time_or_none(moment: datetime | None) -> str | None:
    return to_db_time(moment) if moment else None


def _time(row: Any, column: str) -> datetime | None:
    value = row[column]
    return from_db_time(value) if value else None


def feed_of_row(row: Any) -> Feed:
    return Feed(
        id=row["id"],
        url=row["url"],
        title=row["title"],
        enabled=bool(row["enabled"]),
        etag=row["etag"],
        last_modified=row["last_modified"],
        last_success_at=_time(row, "last_success_at"),
        last_status=row["last_status"],
        last_error=row["last_error"],
        error_count=row["error_count"],
        next_check_at=_time(row, "next_check_at"),
        full_text=FullText(row["full_text"]),
        body_hash=row["body_hash"],
        site_url=row["site_url"],
        last_checked_at=_time(row, "last_checked_at"),
        topics=tuple(str(row["topics"] or "").split()),
    )
