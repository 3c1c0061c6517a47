"""storage/postgres_db.py on a real PostgreSQL: migrations, rows, transactions, errors
(issue 14)."""

from __future__ import annotations

import asyncio
import tomllib

import pytest

from bot.errors import ConstraintError, DatabaseUnusable, StorageError
from storage.db import migrations
from storage.postgres_db import PG_MIGRATIONS_DIR, PostgresDatabase
from tests.paths import ROOT


async def test_an_empty_database_comes_up_to_the_newest_version_with_sqlites_history(
    empty_postgres: str,
) -> None:
    db = await PostgresDatabase.open(empty_postgres)
    try:
        assert await db.schema_version() == migrations()[-1][0]
        rows = await db.fetchall("SELECT version, name FROM schema_migrations ORDER BY version")
        assert [(r["version"], r["name"]) for r in rows] == [(v, n) for v, n, _ in migrations()]
        assert await db.migrate() == []  # nothing is applied twice
    finally:
        await db.close()


async def test_two_processes_starting_together_migrate_once(empty_postgres: str) -> None:
    first, second = await asyncio.gather(
        PostgresDatabase.open(empty_postgres), PostgresDatabase.open(empty_postgres)
    )
    try:
        row = await first.fetchone("SELECT COUNT(*) FROM schema_migrations")
        assert row is not None and row[0] == len(migrations())
    finally:
        await first.close()
        await second.close()


async def test_a_database_newer_than_this_build_is_refused(empty_postgres: str) -> None:
    db = await PostgresDatabase.open(empty_postgres)
    await db.execute(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', 'x')"
    )
    await db.close()
    with pytest.raises(DatabaseUnusable, match="schema version 9999, newer than"):
        await PostgresDatabase.open(empty_postgres)


async def test_rows_read_by_position_and_by_name_with_sqlite_style_placeholders(
    empty_postgres: str,
) -> None:
    db = await PostgresDatabase.open(empty_postgres)
    try:
        changed = await db.execute(
            "INSERT INTO feeds (url, created_at) VALUES (?, ?), (?, ?)",
            ("https://e.com/a", db.now(), "https://e.com/50%", db.now()),
        )
        assert changed == 2
        row = await db.fetchone("SELECT id, url FROM feeds WHERE url LIKE '%50%'")
        assert row is not None and row["url"] == row[1] == "https://e.com/50%"
        assert row.keys() == ["id", "url"]
        ids = await db.fetch_in(
            "SELECT url FROM feeds WHERE url IN ({}) ORDER BY url", ["https://e.com/a", "x"]
        )
        assert [r["url"] for r in ids] == ["https://e.com/a"]
    finally:
        await db.close()


async def test_a_failed_transaction_leaves_nothing_behind(empty_postgres: str) -> None:
    db = await PostgresDatabase.open(empty_postgres)
    try:
        with pytest.raises(ConstraintError, match="duplicate key"):
            async with db.transaction() as tx:
                await tx.executemany(
                    "INSERT INTO feeds (url, created_at) VALUES (?, 'x')",
                    [("https://e.com/1",), ("https://e.com/2",)],
                )
                await tx.execute(
                    "INSERT INTO feeds (url, created_at) VALUES (?, 'x')", ("https://e.com/1",)
                )
        row = await db.fetchone("SELECT COUNT(*) FROM feeds")
        assert row is not None and row[0] == 0
        with pytest.raises(StorageError, match="database error"):
            await db.fetchone("SELECT * FROM no_such_table")
        assert await db.fetchone("SELECT 1") == (1,)  # still usable afterwards
    finally:
        await db.close()


async def test_an_unreachable_server_is_one_line_without_the_password() -> None:
    dead = "postgresql://mujaz:hunter2@127.0.0.1:1/mujaz?connect_timeout=5"
    with pytest.raises(DatabaseUnusable) as caught:
        await PostgresDatabase.open(dead)
    message = str(caught.value)
    assert message.startswith("DATABASE_URL: cannot connect")
    assert "hunter2" not in message and "\n" not in message


def test_the_postgresql_migrations_ship_with_the_package() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    shipped = pyproject["tool"]["setuptools"]["package-data"]["storage"]
    assert f"{PG_MIGRATIONS_DIR.name}/*.sql" in shipped
    assert next(p.name for _, _, p in migrations(PG_MIGRATIONS_DIR)) == "0014_baseline.sql"


async def test_rows_one_transaction_picks_with_skip_locked_are_passed_over_by_another(
    empty_postgres: str,
) -> None:
    first, second = await asyncio.gather(
        PostgresDatabase.open(empty_postgres), PostgresDatabase.open(empty_postgres)
    )
    try:
        await first.execute(
            "INSERT INTO feeds (url, created_at) SELECT 'https://e/' || n, 'x'"
            " FROM generate_series(1, 6) AS n"
        )
        pick = f"SELECT id FROM feeds ORDER BY id LIMIT 3{first.dialect.skip_locked()}"
        picked = asyncio.Event()
        release = asyncio.Event()

        async def hold() -> list[int]:
            async with first.transaction() as tx, tx.execute(pick) as result:
                ids = [r[0] for r in await result.fetchall()]
                picked.set()
                await release.wait()
                return ids

        holding = asyncio.create_task(hold())
        await picked.wait()
        async with second.transaction() as tx, tx.execute(pick) as result:
            others = [r[0] for r in await result.fetchall()]
        release.set()
        assert set(await holding).isdisjoint(others) and len(others) == 3
    finally:
        await first.close()
        await second.close()
