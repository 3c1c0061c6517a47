"""What operations read: whether the database answers, and the counts /metrics shows.

`read_lease` is for `mujaz health` without a server: it opens the file read-only with
plain sqlite3 (no migration, no lock taken), so a health check never changes the database.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bot.lease import Holder
from storage.backend import Backend
from storage.db import from_db_time
from storage.digest_runs import DigestRunRepository
from storage.lease import NAME


@dataclass(frozen=True)
class Counts:
    feeds: dict[str, int] = field(default_factory=dict)  # state -> feeds
    active_chats: int = 0
    database_bytes: int = 0
    digest_runs: dict[str, float] = field(default_factory=dict)  # DigestRunRepository.metrics


@dataclass(frozen=True)
class IngestState:
    """What `mujaz health --role ingest` judges: is feed ingestion keeping up?"""

    enabled_feeds: int
    oldest_due_at: datetime | None  # the longest-waiting enabled feed's next check
    last_checked_at: datetime | None  # the newest check of any feed, by any ingest process


class OpsRepository:
    def __init__(self, db: Backend) -> None:
        self.db = db

    async def ping(self) -> None:
        """A trivial query: raises StorageError when the database does not answer."""
        await self.db.fetchone("SELECT 1")

    async def ingest_state(self) -> IngestState:
        """A never-checked feed is due since it was added; a claimed one once its claim ends."""
        row = await self.db.fetchone(
            "SELECT COUNT(*), MIN(COALESCE(next_check_at, created_at)), MAX(last_checked_at)"
            " FROM feeds WHERE enabled = 1"
        )
        assert row is not None
        return IngestState(int(row[0]), _time_or_none(row[1]), _time_or_none(row[2]))

    async def counts(self) -> Counts:
        feeds = await self.db.fetchone(
            "SELECT COUNT(*) FILTER (WHERE enabled = 1 AND error_count = 0),"
            " COUNT(*) FILTER (WHERE enabled = 1 AND error_count > 0),"
            " COUNT(*) FILTER (WHERE enabled = 0) FROM feeds"
        )
        chats = await self.db.fetchone("SELECT COUNT(*) FROM users WHERE active = 1")
        size = await self.db.fetchone(self.db.dialect.database_bytes())
        assert feeds is not None and chats is not None and size is not None
        return Counts(
            feeds={"ok": feeds[0], "failing": feeds[1], "disabled": feeds[2]},
            active_chats=chats[0],
            database_bytes=size[0],
            digest_runs=await DigestRunRepository(self.db).metrics(),
        )


def read_lease(path: Path) -> Holder | None:
    """The sender lease's holder, read without writing; None when nobody holds it.

    Raises sqlite3.Error when the file is missing, unreadable or no Mujaz database."""
    if not path.is_file():
        raise sqlite3.OperationalError(f"no database at {path}")
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
    try:
        row = connection.execute(
            "SELECT instance, host, pid, heartbeat_at FROM sender_lease WHERE name = ?", (NAME,)
        ).fetchone()
    finally:
        connection.close()
    if row is None:
        return None
    return Holder(row[0], row[1], int(row[2]), from_db_time(row[3]))


def _time_or_none(value: str | None) -> datetime | None:
    try:
        return from_db_time(value) if value else None
    except ValueError:
        return None
