"""PostgreSQL's migrations from every earlier version (issue 14).

Nothing ran on PostgreSQL before SQLite's version 14, so its set (storage/migrations_pg/)
starts with `0014_baseline.sql`, standing for SQLite's 0001-0014. "Every earlier version"
there means the baseline and each migration after it: a database left at any of them comes
up to the newest, keeping its rows. From 0015 on each SQLite migration needs its PostgreSQL
twin of the same number and name (test_postgres_schema.py fails without it), and the new
version is taken up here by the parametrisation, with no edit to this file.
"""

from __future__ import annotations

import pytest

from storage.db import migrations
from storage.postgres_db import PG_MIGRATIONS_DIR, PostgresDatabase

BASELINE = 14
PG_VERSIONS = [v for v, _, _ in migrations(PG_MIGRATIONS_DIR)]


def test_the_postgresql_set_starts_at_the_baseline_and_ends_at_sqlites_newest() -> None:
    assert PG_VERSIONS[0] == BASELINE
    assert PG_VERSIONS[-1] == migrations()[-1][0]
    assert len(set(PG_VERSIONS)) == len(PG_VERSIONS)  # one migration a number


@pytest.mark.parametrize("version", PG_VERSIONS)
async def test_a_postgresql_database_at_the_baseline_or_any_later_version_comes_up_to_date(
    empty_postgres: str, version: int
) -> None:
    old = await PostgresDatabase.open(empty_postgres, migrate_to=version)
    try:
        assert await old.schema_version() == version
        await old.execute("INSERT INTO feeds (url, created_at) VALUES ('https://e.com/rss', 'x')")
    finally:
        await old.close()

    db = await PostgresDatabase.open(empty_postgres)
    try:
        applied = await db.fetchall("SELECT version FROM schema_migrations ORDER BY version")
        assert [r["version"] for r in applied] == [v for v, _, _ in migrations()]
        row = await db.fetchone("SELECT url FROM feeds")
        assert row is not None and row["url"] == "https://e.com/rss"
        assert await db.migrate() == []
    finally:
        await db.close()
