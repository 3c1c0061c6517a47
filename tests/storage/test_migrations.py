import sqlite3
from pathlib import Path

import pytest

from bot.errors import StorageError
from storage.db import Database, migrations


async def test_empty_file_comes_up_to_date(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "new.db")
    try:
        assert await db.schema_version() == migrations()[-1][0]
        tables = {
            r["name"]
            for r in await db.fetchall("SELECT name FROM sqlite_master WHERE type='table'")
        }
        assert {
            "feeds",
            "articles",
            "article_topics",
            "users",
            "subscriptions",
            "deliveries",
        } <= tables
        mode = await db.fetchone("PRAGMA journal_mode")
        assert mode is not None and mode[0] == "wal"
        fk = await db.fetchone("PRAGMA foreign_keys")
        assert fk is not None and fk[0] == 1
    finally:
        await db.close()


async def test_older_schema_is_migrated_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = await Database.open(path, migrate_to=1)
    assert await old.schema_version() == 1
    await old.execute("INSERT INTO feeds (url, created_at) VALUES ('https://e.com/rss', 'x')")
    await old.close()

    db = await Database.open(path)
    try:
        assert await db.schema_version() == migrations()[-1][0]
        row = await db.fetchone("SELECT url FROM feeds")
        assert row is not None and row["url"] == "https://e.com/rss"
        applied = await db.fetchall("SELECT version, name FROM schema_migrations ORDER BY version")
        assert [r["version"] for r in applied] == [m[0] for m in migrations()]
        assert await db.migrate() == []  # nothing applies twice
    finally:
        await db.close()


async def test_a_failing_migration_leaves_nothing_half_done(tmp_path: Path) -> None:
    scripts = tmp_path / "migrations"
    scripts.mkdir()
    (scripts / "0001_ok.sql").write_text("CREATE TABLE a (x INTEGER);")
    (scripts / "0002_broken.sql").write_text("CREATE TABLE b (x INTEGER);\nTHIS IS NOT SQL;")
    with pytest.raises(StorageError) as failed:
        await Database.open(tmp_path / "x.db", migrations_dir=scripts)
    assert isinstance(failed.value.__cause__, sqlite3.OperationalError)
    db = await Database.open(tmp_path / "x.db", migrate_to=1, migrations_dir=scripts)
    try:
        tables = {
            r["name"]
            for r in await db.fetchall("SELECT name FROM sqlite_master WHERE type='table'")
        }
        assert "a" in tables and "b" not in tables
        assert await db.schema_version() == 1
    finally:
        await db.close()


async def test_a_lower_numbered_migration_merged_late_is_still_applied(tmp_path: Path) -> None:
    scripts = tmp_path / "migrations"
    scripts.mkdir()
    (scripts / "0001_a.sql").write_text("CREATE TABLE a (x INTEGER);")
    (scripts / "0003_c.sql").write_text("CREATE TABLE c (x INTEGER);")
    db = await Database.open(tmp_path / "x.db", migrations_dir=scripts)
    await db.close()
    (scripts / "0002_b.sql").write_text("CREATE TABLE b (x INTEGER);")
    db = await Database.open(tmp_path / "x.db", migrations_dir=scripts)
    try:
        tables = {r["name"] for r in await db.fetchall("SELECT name FROM sqlite_master")}
        assert {"a", "b", "c"} <= tables
    finally:
        await db.close()


@pytest.mark.parametrize("version", [v for v, _, _ in migrations()[:-1]])
async def test_a_database_at_every_earlier_version_comes_up_to_date_keeping_its_rows(
    tmp_path: Path, version: int
) -> None:
    path = tmp_path / "old.db"
    old = await Database.open(path, migrate_to=version)
    assert await old.schema_version() == version
    await old.execute("INSERT INTO feeds (url, created_at) VALUES ('https://e.com/rss', 'x')")
    await old.close()

    db = await Database.open(path)
    try:
        applied = await db.fetchall("SELECT version FROM schema_migrations ORDER BY version")
        assert [r["version"] for r in applied] == [v for v, _, _ in migrations()]
        row = await db.fetchone("SELECT url FROM feeds")
        assert row is not None and row["url"] == "https://e.com/rss"
    finally:
        await db.close()
