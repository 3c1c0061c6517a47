"""Due feeds are claimed, so ingest processes beside each other split them (issue 14): a
claimed feed is not due again for HOLD; on PostgreSQL two claimers at the same moment take
disjoint feeds without waiting on each other (FOR UPDATE SKIP LOCKED). SQLite through the
real repository; PostgreSQL against the throwaway server of tests/pg.py."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from storage.db import Database, to_db_time
from storage.feed_claims import HOLD, claim_due, claim_due_in
from storage.feeds import FeedRepository
from storage.postgres_db import PostgresDatabase

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
BOUND = 30  # seconds: the second claimer must not wait on the first; this only stops a hang


@pytest.fixture
async def sqlite(tmp_path: Path) -> AsyncIterator[Database]:
    db = await Database.open(tmp_path / "mujaz.db")
    yield db
    await db.close()


async def test_a_claimed_feed_is_not_due_again_until_the_hold_passes(sqlite: Database) -> None:
    feeds = FeedRepository(sqlite)
    for n in range(5):
        await feeds.add(f"https://example.org/{n}.xml")
    off, _ = await feeds.add("https://example.org/off.xml", enabled=False)

    first = await claim_due(sqlite, NOW, limit=3)
    rest = await claim_due(sqlite, NOW, limit=10)
    assert len(first) == 3 and len(rest) == 2
    assert {f.id for f in first}.isdisjoint(f.id for f in rest)
    assert off.id not in {f.id for f in first + rest}
    assert await claim_due(sqlite, NOW + HOLD - timedelta(seconds=1)) == []
    again = await claim_due(sqlite, NOW + HOLD)
    assert len(again) == 5  # a pass that died leaves its feeds to the next one


async def test_the_feed_that_waited_longest_is_claimed_first(sqlite: Database) -> None:
    feeds = FeedRepository(sqlite)
    ids = [(await feeds.add(f"https://example.org/{n}.xml"))[0].id for n in range(3)]
    for feed_id, minutes in zip(ids, (5, 30, 10), strict=True):
        await sqlite.execute(
            "UPDATE feeds SET next_check_at = ? WHERE id = ?",
            (to_db_time(NOW - timedelta(minutes=minutes)), feed_id),
        )
    assert [f.id for f in await claim_due(sqlite, NOW, limit=1)] == [ids[1]]


@pytest.fixture
async def postgres(empty_postgres: str) -> AsyncIterator[tuple[PostgresDatabase, PostgresDatabase]]:
    first = await PostgresDatabase.open(empty_postgres)
    second = await PostgresDatabase.open(empty_postgres)
    await first.execute(
        "INSERT INTO feeds (url, created_at) SELECT 'https://example.org/' || n || '.xml', ?"
        " FROM generate_series(1, 50) AS n",
        (to_db_time(NOW),),
    )
    yield first, second
    await first.close()
    await second.close()


async def test_two_claimers_on_postgres_at_once_take_disjoint_feeds_without_waiting(
    postgres: tuple[PostgresDatabase, PostgresDatabase],
) -> None:
    one, other = postgres
    async with one.transaction() as tx:  # the first claim's row locks held open
        mine = await claim_due_in(tx, one.dialect, NOW, limit=30)
        theirs = await asyncio.wait_for(claim_due(other, NOW, limit=30), BOUND)
    assert len(mine) == 30 and len(theirs) == 20
    assert {f.id for f in mine}.isdisjoint(f.id for f in theirs)
    assert await claim_due(other, NOW) == []


async def test_many_concurrent_claimers_on_postgres_fetch_each_feed_once(
    postgres: tuple[PostgresDatabase, PostgresDatabase], empty_postgres: str
) -> None:
    more = [await PostgresDatabase.open(empty_postgres) for _ in range(2)]
    try:
        claimers = [*postgres, *more]
        taken: list[int] = []
        while True:
            rounds = await asyncio.gather(*(claim_due(db, NOW, limit=3) for db in claimers))
            if not any(rounds):
                break
            taken.extend(f.id for feeds in rounds for f in feeds)
    finally:
        for db in more:
            await db.close()
    assert sorted(taken) == list(range(1, 51))
