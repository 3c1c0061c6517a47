"""Whether an ingest process is doing its job (`mujaz health --role ingest`, issue 14).

An ingest process answers no OPS_LISTEN and holds no sender lease, so its health is read
from the database it works on: it answers, and no enabled feed has waited for its check
much longer than the ingest interval. A hung or dead ingestion leaves due feeds (and
expired claims, storage/feed_claims.py) waiting; that is what this sees. The judgment is
the database's, shared by every ingest process on it: one stuck process among several
shows only once the others cannot keep up.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from storage.ops import IngestState

SLACK = timedelta(minutes=5)  # a pass of many feeds, a slow host, a restart


def overdue_after(interval_minutes: int) -> timedelta:
    """How long a due feed may wait before ingestion counts as stuck: two intervals and
    some slack (a feed is checked every interval; claims last a pass)."""
    return 2 * timedelta(minutes=interval_minutes) + SLACK


def judge_ingest(state: IngestState, now: datetime, interval_minutes: int) -> tuple[bool, str]:
    """(healthy, one line saying why)."""
    if state.enabled_feeds == 0:
        return True, "the database answers; no enabled feeds to ingest"
    last = (
        f"last feed checked {_ago(now, state.last_checked_at)} ago"
        if state.last_checked_at
        else "no feed checked yet"
    )
    bound = overdue_after(interval_minutes)
    if state.oldest_due_at is not None and now - state.oldest_due_at > bound:
        waited = _ago(now, state.oldest_due_at)
        return False, f"a feed has waited {waited} for its check (over {_ago_of(bound)}); {last}"
    return True, f"{state.enabled_feeds} feeds ingested on time; {last}"


def _ago(now: datetime, then: datetime | None) -> str:
    return _ago_of(now - then) if then is not None else "?"


def _ago_of(span: timedelta) -> str:
    seconds = max(0, int(span.total_seconds()))
    return f"{seconds // 60} min" if seconds >= 120 else f"{seconds} s"
