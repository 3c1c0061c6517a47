"""Claiming due feeds, so several ingest processes split them (issue 14).

A feed is claimed by moving its next check forward by HOLD in the statement that picks it:
no other pass sees it as due until then, and the pass that took it sets the real next check
when the feed answers or fails (storage/feeds.py's record_success/record_failure). A pass
killed mid-way leaves its feeds to be retried once HOLD has passed.

On PostgreSQL the pick is `FOR UPDATE SKIP LOCKED`: two `mujaz run --role ingest` on
different hosts claiming at the same moment take disjoint feeds and never wait on each
other. On SQLite the write transaction (BEGIN IMMEDIATE) is exclusive, which gives the
same result for processes sharing one file.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.models import Feed
from storage.db import Database, to_db_time
from storage.feeds import _feed as feed_of_row  # the one row → Feed mapping, shared
from storage.postgres_db import PostgresDatabase

HOLD = timedelta(minutes=15)  # longer than a pass of FEEDS_PER_TICK feeds takes

_CLAIM = (
    "UPDATE feeds SET next_check_at = ? WHERE id IN ("
    " SELECT id FROM feeds WHERE enabled = 1"
    " AND (next_check_at IS NULL OR next_check_at <= ?)"
    " ORDER BY next_check_at IS NOT NULL, next_check_at, id LIMIT ?{lock})"
    " RETURNING *"
)
SQLITE_CLAIM = _CLAIM.format(lock="")
POSTGRES_CLAIM = _CLAIM.format(lock=" FOR UPDATE SKIP LOCKED")


async def claim_due(
    db: Database | PostgresDatabase,
    now: datetime,
    *,
    limit: int | None = None,
    hold: timedelta = HOLD,
) -> list[Feed]:
    """Take up to `limit` due feeds (the longest-waiting first) for this pass; in id order."""
    postgres = isinstance(db, PostgresDatabase)
    async with db.transaction() as tx:
        return await claim_due_in(tx, now, limit=limit, hold=hold, postgres=postgres)


async def claim_due_in(
    tx: Any,
    now: datetime,
    *,
    limit: int | None = None,
    hold: timedelta = HOLD,
    postgres: bool,
) -> list[Feed]:
    """`claim_due` inside a transaction the caller holds (its locks last until it ends)."""
    if postgres:
        sql, no_limit = POSTGRES_CLAIM, None  # LIMIT NULL: no limit
    else:
        sql, no_limit = SQLITE_CLAIM, -1
    params = (to_db_time(now + hold), to_db_time(now), no_limit if limit is None else limit)
    result = await tx.execute(sql, params)
    rows = await result.fetchall()
    return sorted((feed_of_row(r) for r in rows), key=lambda f: f.id)
