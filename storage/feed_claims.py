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

from bot.models import Feed
from storage.backend import Backend, Transaction
from storage.db import to_db_time
from storage.dialect import Dialect
from storage.feeds import feed_of_row  # the one row → Feed mapping, shared

HOLD = timedelta(minutes=15)  # longer than a pass of FEEDS_PER_TICK feeds takes

_CLAIM = (
    "UPDATE feeds SET next_check_at = ? WHERE id IN ("
    " SELECT id FROM feeds WHERE enabled = 1"
    " AND (next_check_at IS NULL OR next_check_at <= ?)"
    " ORDER BY next_check_at IS NOT NULL, next_check_at, id LIMIT ?{lock})"
    " RETURNING *"
)


async def claim_due(
    db: Backend,
    now: datetime,
    *,
    limit: int | None = None,
    hold: timedelta = HOLD,
) -> list[Feed]:
    """Take up to `limit` due feeds (the longest-waiting first) for this pass; in id order."""
    async with db.transaction() as tx:
        return await claim_due_in(tx, db.dialect, now, limit=limit, hold=hold)


async def claim_due_in(
    tx: Transaction,
    dialect: Dialect,
    now: datetime,
    *,
    limit: int | None = None,
    hold: timedelta = HOLD,
) -> list[Feed]:
    """`claim_due` inside a transaction the caller holds (its locks last until it ends)."""
    sql = _CLAIM.format(lock=dialect.skip_locked())
    no_limit = None if dialect.postgres else -1  # LIMIT NULL / LIMIT -1: no limit
    params = (to_db_time(now + hold), to_db_time(now), no_limit if limit is None else limit)
    result = await tx.execute(sql, params)
    rows = await result.fetchall()
    return sorted((feed_of_row(r) for r in rows), key=lambda f: f.id)
