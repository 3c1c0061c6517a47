"""PostgreSQL's schema (storage/migrations_pg/) matches SQLite's (storage/migrations/): the same
tables, columns in the same order, the same NOT NULLs, keys and named indexes (issue 14).

A migration added to one folder and not the other, or a column that differs, fails here."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from storage.db import MIGRATIONS_DIR, Database, migrations

PG_MIGRATIONS = MIGRATIONS_DIR.parent / "migrations_pg"
BASELINE = 14  # migrations_pg starts with the schema as of SQLite's 0014
# Columns PostgreSQL has that SQLite gives implicitly: the rowid the repositories read.
PG_ONLY_COLUMNS = {"subscriptions": {"rowid"}, "follows": {"rowid"}, "mutes": {"rowid"}}

Columns = list[tuple[str, bool]]  # (name, not null) in table order
Uniques = set[tuple[str, tuple[str, ...]]]  # (table, columns) of each UNIQUE constraint


def test_every_sqlite_migration_after_the_baseline_has_a_postgresql_twin() -> None:
    sqlite = [(v, n) for v, n, _ in migrations() if v > BASELINE]
    postgres = [(v, n) for v, n, _ in migrations(PG_MIGRATIONS)]
    assert postgres[0] == (BASELINE, "baseline")
    assert postgres[1:] == sqlite


async def sqlite_uniques(path: Path) -> Uniques:
    """The UNIQUE constraints (not the primary keys): what INSERT OR IGNORE relies on."""
    db = await Database.open(path)
    try:
        found: Uniques = set()
        for (table,) in await db.fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND name NOT LIKE 'article_search%' AND name <> 'schema_migrations'"
        ):
            for index in await db.fetchall(
                f"SELECT name FROM pragma_index_list('{table}') WHERE origin = 'u'"
            ):
                cols = await db.fetchall(
                    f"SELECT name FROM pragma_index_info('{index[0]}') ORDER BY seqno"
                )
                found.add((table, tuple(c[0] for c in cols)))
        return found
    finally:
        await db.close()


async def postgres_uniques(dsn: str) -> Uniques:
    async with await psycopg.AsyncConnection.connect(dsn) as conn:
        cursor = await conn.execute(
            "SELECT tc.table_name, tc.constraint_name, k.column_name"
            " FROM information_schema.table_constraints tc"
            " JOIN information_schema.key_column_usage k USING (constraint_schema,"
            " constraint_name) WHERE tc.constraint_type = 'UNIQUE'"
            " AND tc.table_schema = 'public' ORDER BY tc.constraint_name, k.ordinal_position"
        )
        grouped: dict[tuple[str, str], list[str]] = {}
        for table, constraint, column in await cursor.fetchall():
            grouped.setdefault((table, constraint), []).append(column)
    return {(t, tuple(cols)) for (t, _), cols in grouped.items() if cols != ["rowid"]}


async def sqlite_schema(path: Path) -> tuple[dict[str, Columns], dict[str, list[str]], set[str]]:
    db = await Database.open(path)
    try:
        names = [
            r[0]
            for r in await db.fetchall(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                " AND name NOT LIKE 'article_search%' AND name <> 'schema_migrations'"
            )
        ]
        tables: dict[str, Columns] = {}
        keys: dict[str, list[str]] = {}
        for name in names:
            info = await db.fetchall(f"SELECT name, [notnull], pk FROM pragma_table_info('{name}')")
            tables[name] = [(r[0], bool(r[1]) or r[2] > 0) for r in info]
            keys[name] = [r[0] for r in sorted(info, key=lambda r: r[2]) if r[2] > 0]
        indexes = {
            r[0]
            for r in await db.fetchall(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            )
        }
        return tables, keys, indexes
    finally:
        await db.close()


async def postgres_schema(dsn: str) -> tuple[dict[str, Columns], dict[str, list[str]], set[str]]:
    async with await psycopg.AsyncConnection.connect(dsn) as conn:
        for _, _, path in migrations(PG_MIGRATIONS):
            await conn.execute(path.read_text(encoding="utf-8"))
        cursor = await conn.execute(
            "SELECT table_name, column_name, is_nullable = 'NO' FROM information_schema.columns"
            " WHERE table_schema = 'public' ORDER BY table_name, ordinal_position"
        )
        tables: dict[str, Columns] = {}
        for table, column, not_null in await cursor.fetchall():
            if column not in PG_ONLY_COLUMNS.get(table, set()):
                tables.setdefault(table, []).append((column, not_null))
        cursor = await conn.execute(
            "SELECT tc.table_name, k.column_name FROM information_schema.table_constraints tc"
            " JOIN information_schema.key_column_usage k USING (constraint_schema,"
            " constraint_name) WHERE tc.constraint_type = 'PRIMARY KEY'"
            " AND tc.table_schema = 'public' ORDER BY tc.table_name, k.ordinal_position"
        )
        keys: dict[str, list[str]] = {}
        for table, column in await cursor.fetchall():
            keys.setdefault(table, []).append(column)
        cursor = await conn.execute("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'")
        indexes = {r[0] for r in await cursor.fetchall()}
    return tables, keys, indexes


async def test_postgresql_schema_has_sqlites_tables_columns_keys_and_indexes(
    tmp_path: Path, empty_postgres: str
) -> None:
    lite_tables, lite_keys, lite_indexes = await sqlite_schema(tmp_path / "mujaz.db")
    pg_tables, pg_keys, pg_indexes = await postgres_schema(empty_postgres)
    search = pg_tables.pop("article_search")  # FTS5 there, a tsvector here
    pg_keys.pop("article_search")
    assert [c for c, _ in search] == ["rowid", "title", "summary", "terms"]
    assert pg_tables == lite_tables
    assert pg_keys == {t: k for t, k in lite_keys.items() if k}
    assert lite_indexes <= pg_indexes
    assert await postgres_uniques(empty_postgres) == await sqlite_uniques(tmp_path / "mujaz.db")


async def test_the_postgresql_schema_holds_telegram_sized_ids_and_its_checks(
    empty_postgres: str,
) -> None:
    await postgres_schema(empty_postgres)
    supergroup = -1001234567890  # beyond 32 bits
    async with await psycopg.AsyncConnection.connect(empty_postgres) as conn:
        await conn.execute(
            "INSERT INTO users (chat_id, timezone, created_at, updated_at) VALUES (%s, %s, %s, %s)",
            (supergroup, "Asia/Riyadh", "t", "t"),
        )
        await conn.execute(
            "INSERT INTO follows (chat_id, key, phrase, created_at) VALUES (%s, 'k', 'p', 't')",
            (supergroup,),
        )
        cursor = await conn.execute("SELECT chat_id, rowid FROM follows")
        assert await cursor.fetchall() == [(supergroup, 1)]
        with pytest.raises(psycopg.errors.CheckViolation):
            await conn.execute("UPDATE users SET digits = 'roman'")
