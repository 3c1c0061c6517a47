"""`mujaz db copy sqlite:///… postgresql://…` moves everything (issue 14): chats and their
settings, follows, mutes, the digest ledger, broadcasts and their recipients, feeds with
their validators, articles, their topics and stories, the search index. Ids are kept, the
identity sequences continue after them, and every table's row count is checked and printed.
The source is a database the real bot filled (fake Bot API, local feed server); the copy is
the real command, in its own process, into the throwaway PostgreSQL of tests/pg.py."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from storage.copy import copy_sqlite_to_postgres
from storage.db import Database
from tests.bot.harness import running
from tests.delivery.scenario import ADMIN, press_send, report_of
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.feed_server import FeedServer
from tests.feeds import rss, seed_item, sports_item
from tests.ops.bot_process import Result, mujaz_done

READER, OTHER = 701, 702
# Each must hold rows in the filled database, so the copy is shown to carry it.
FILLED = ("users", "subscriptions", "follows", "mutes", "deliveries", "broadcasts",
          "broadcast_recipients", "feeds", "articles", "article_topics",
          "article_search")  # fmt: skip


@pytest.fixture
async def filled(
    fake_bot_api: FakeBotAPI, feed_server: FeedServer, tmp_path: Path
) -> AsyncIterator[Path]:
    """A SQLite database the bot filled as it runs; the bot stopped."""
    api = fake_bot_api
    async with running(api, tmp_path, admin_ids=frozenset({ADMIN})) as bot:
        url = feed_server.serve(
            "/news.xml", rss([seed_item(), sports_item()]), etag='"v1"',
            last_modified="Tue, 01 Dec 2026 08:00:00 GMT",
        )  # fmt: skip
        feed, _ = await bot.services.feeds.add(url)
        await bot.services.ingestor.run([feed])
        await bot.services.db.execute(
            "UPDATE articles SET published_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-1 hours')"
        )
        for chat in (READER, OTHER):
            await bot.say(chat, "/start")
            await bot.say(chat, "/subscribe south_caucasus")
        await bot.say(READER, "/time 07:30")
        await bot.say(READER, "/follow باكو")
        await bot.say(READER, "/mute الدوري السعودي")
        await bot.say(READER, "/digest")
        await press_send(api)
        await api.wait_for(lambda: report_of(api) is not None, timeout=60)
    yield tmp_path / "mujaz.db"


def sqlite_rows(path: Path, table: str, columns: list[str]) -> list[tuple[str, ...]]:
    names = ", ".join(f'"{c}"' for c in columns)
    with sqlite3.connect(path) as conn:
        rows = conn.execute(f'SELECT {names} FROM "{table}"').fetchall()
    return sorted(tuple(map(str, r)) for r in rows)


async def pg_tables(dsn: str) -> dict[str, list[str]]:
    """Each table's stored columns (generated ones, like the search terms, left out)."""
    async with await psycopg.AsyncConnection.connect(dsn) as conn:
        cursor = await conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND is_generated = 'NEVER'"
            " ORDER BY table_name, ordinal_position"
        )
        tables: dict[str, list[str]] = {}
        for table, column in await cursor.fetchall():
            tables.setdefault(table, []).append(column)
    return tables


async def pg_rows(dsn: str, table: str, columns: list[str]) -> list[tuple[str, ...]]:
    names = ", ".join(f'"{c}"' for c in columns)
    async with await psycopg.AsyncConnection.connect(dsn) as conn:
        cursor = await conn.execute(f'SELECT {names} FROM "{table}"')  # type: ignore[arg-type]
        rows: list[Any] = await cursor.fetchall()
    return sorted(tuple(map(str, r)) for r in rows)


async def copy(tmp_path: Path, source: Path, dsn: str, *more: str) -> Result:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).parents[2])}
    return await mujaz_done(env, tmp_path, "db", "copy", f"sqlite://{source}", dsn, *more)


async def test_db_copy_moves_every_row_with_its_id_and_verifies_the_counts(
    filled: Path, empty_postgres: str, tmp_path: Path
) -> None:
    done = await copy(tmp_path, filled, empty_postgres)
    assert done.code == 0, done.err + done.out
    assert "verified:" in done.out and "every count equal" in done.out
    assert "postgres@" not in done.out  # the URL is never echoed, only host and database

    tables = await pg_tables(empty_postgres)
    for table in FILLED:
        rows = sqlite_rows(filled, table, tables[table])
        assert rows, f"{table}: the filled database should hold rows"
        assert await pg_rows(empty_postgres, table, tables[table]) == rows, table
        assert f"\n{table} " in done.out  # its counts printed
    for table in set(tables) - {"schema_migrations", "sender_lease"}:
        source = sqlite_rows(filled, table, tables[table])
        assert await pg_rows(empty_postgres, table, tables[table]) == source, table

    feed = (await pg_rows(empty_postgres, "feeds", ["etag", "last_modified"]))[0]
    assert feed == ('"v1"', "Tue, 01 Dec 2026 08:00:00 GMT")  # the validators came along
    async with await psycopg.AsyncConnection.connect(empty_postgres) as conn:
        cursor = await conn.execute(
            "INSERT INTO feeds (url, created_at) VALUES ('https://example.org/new.xml', 'x')"
            " RETURNING id"
        )
        new_id = (await cursor.fetchone() or [0])[0]
    assert new_id == max(int(r[0]) for r in sqlite_rows(filled, "feeds", ["id"])) + 1


async def test_a_destination_with_rows_is_refused_unless_replace(
    filled: Path, empty_postgres: str, tmp_path: Path
) -> None:
    assert (await copy(tmp_path, filled, empty_postgres)).code == 0
    again = await copy(tmp_path, filled, empty_postgres)
    assert again.code == 1
    assert "already holds rows" in again.err and "--replace" in again.err
    replaced = await copy(tmp_path, filled, empty_postgres, "--replace")
    assert replaced.code == 0, replaced.err
    columns = (await pg_tables(empty_postgres))["articles"]
    assert await pg_rows(empty_postgres, "articles", columns) == sqlite_rows(
        filled, "articles", columns
    )


async def test_a_source_of_an_older_schema_is_refused_and_left_unchanged(
    empty_postgres: str, tmp_path: Path
) -> None:
    old = tmp_path / "old.db"
    db = await Database.open(old, migrate_to=13)
    await db.close()
    before = old.read_bytes()
    done = await copy(tmp_path, old, empty_postgres)
    assert done.code == 1
    assert "schema version 13" in done.err and "start this Mujaz on it once" in done.err
    assert old.read_bytes() == before


@pytest.mark.parametrize(
    ("source", "destination", "says"),
    [
        ("/tmp/mujaz.db", "postgresql://x@127.0.0.1/x", "SRC must be sqlite:///"),
        ("sqlite:///tmp/none.db", "mysql://x@h/x", "DST must be postgresql://"),
    ],
)
async def test_junk_addresses_are_refused_naming_the_form_wanted(
    tmp_path: Path, source: str, destination: str, says: str
) -> None:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).parents[2])}
    done = await mujaz_done(env, tmp_path, "db", "copy", source, destination)
    assert done.code == 2
    assert says in done.err


async def test_a_missing_source_file_is_refused(empty_postgres: str, tmp_path: Path) -> None:
    done = await copy(tmp_path, tmp_path / "none.db", empty_postgres)
    assert done.code == 1 and "no such database file" in done.err
    assert not (tmp_path / "none.db").exists()


async def test_the_copy_leaves_planner_statistics_for_the_first_run(
    empty_postgres: str, tmp_path: Path
) -> None:
    source = tmp_path / "small.db"
    db = await Database.open(source)
    await db.execute(
        "INSERT INTO users (chat_id, timezone, created_at, updated_at) VALUES (1, 'UTC', 'x', 'x')"
    )
    await db.close()
    await copy_sqlite_to_postgres(source, empty_postgres)
    async with await psycopg.AsyncConnection.connect(empty_postgres) as conn:
        cursor = await conn.execute(  # reltuples -1: never analysed
            "SELECT relname FROM pg_class WHERE relkind = 'r' AND reltuples < 0"
            " AND relnamespace = current_schema()::regnamespace"
        )
        assert await cursor.fetchall() == []
