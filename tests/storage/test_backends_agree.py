"""SQLite and PostgreSQL give the repositories the same answers (storage/backend.py,
storage/dialect.py; issue 14): each piece of SQL that differs, and each Tx call."""

from __future__ import annotations

import pytest

from bot.errors import ConstraintError
from storage.backend import Backend
from tests.backends import TestDatabase


async def opened(database: TestDatabase) -> Backend:
    db = await database.open()
    await db.execute("INSERT INTO feeds (url, created_at) VALUES ('https://e/', 'x')")
    return db


async def test_the_dialect_snippets_mean_the_same_on_both(database: TestDatabase) -> None:
    db = await opened(database)
    try:
        d = db.dialect
        row = await db.fetchone(
            f"SELECT {d.epoch_seconds('?')}, {d.json_array_length('?')}, {d.greatest('?', '?')}",
            ("2026-11-30T09:00:05Z", '["a", "b", "c"]', 4, 9),
        )
        assert row is not None and tuple(row) == (1796029205, 3, 9)
        await db.execute(
            "INSERT INTO article_topics (article_id, topic_id, score) SELECT 0, 'x', 1"
            " WHERE 1 = 0"  # nothing: a type check of the aggregate below on an empty group
        )
        joined = await db.fetchone(
            f"SELECT {d.string_agg('x', ';')} FROM (SELECT 'a' AS x UNION ALL SELECT 'b') AS t"
        )
        assert joined is not None and sorted(joined[0].split(";")) == ["a", "b"]
        size = await db.fetchone(d.database_bytes())
        assert size is not None and size[0] > 0
        same = await db.fetchall(f"SELECT url FROM feeds WHERE {d.same_as_param('title')}", (None,))
        assert [r["url"] for r in same] == ["https://e/"]
    finally:
        await db.close()


async def test_an_insert_that_skips_rows_returns_only_the_rows_it_added(
    database: TestDatabase,
) -> None:
    db = await opened(database)
    try:
        sql = "INSERT INTO feeds (url, created_at) VALUES (?, 'x') ON CONFLICT DO NOTHING"
        async with db.transaction() as tx:
            added = await tx.insert_returning(
                sql,
                [("https://e/",), ("https://f/",), ("https://g/",), ("https://f/",)],
                table="feeds",
                returning="id, url",
            )
        assert sorted(r["url"] for r in added) == ["https://f/", "https://g/"]
        async with db.transaction() as tx:
            assert await tx.executemany(sql, [("https://g/",), ("https://h/",)]) == 1
            assert await tx.executemany(sql, []) == 0
    finally:
        await db.close()


async def test_a_broken_key_is_one_error_on_both_and_rolls_back(database: TestDatabase) -> None:
    db = await opened(database)
    try:
        with pytest.raises(ConstraintError):
            async with db.transaction() as tx:
                await tx.execute("INSERT INTO feeds (url, created_at) VALUES ('https://z/', 'x')")
                await tx.execute("INSERT INTO feeds (url, created_at) VALUES ('https://e/', 'x')")
        row = await db.fetchone("SELECT COUNT(*) FROM feeds")
        assert row is not None and row[0] == 1
    finally:
        await db.close()


async def test_a_statement_result_is_awaited_or_used_as_a_block(database: TestDatabase) -> None:
    db = await opened(database)
    try:
        async with db.transaction() as tx:
            async with tx.execute("SELECT url FROM feeds") as result:
                assert [r["url"] for r in await result.fetchall()] == ["https://e/"]
            changed = await tx.execute("UPDATE feeds SET title = 't'")
            assert changed.rowcount == 1
            await changed.close()
    finally:
        await db.close()
