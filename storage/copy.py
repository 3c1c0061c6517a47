"""`mujaz db copy sqlite:///path postgresql://…`: moving a database to PostgreSQL (issue 14).

Every table the PostgreSQL schema has is copied from SQLite with its ids (and the rowid of
the tables ordered by it), parents before children, by COPY, in one PostgreSQL
transaction: the identity sequences are then set past the copied ids, the rows of every
table are counted on both sides, and only when every count agrees is it committed. A
failure leaves the destination as it was.

The source is read in one read transaction (a consistent snapshot, even if a bot still
writes; stop it first all the same, or its later writes stay behind) and never changed: it
must already be at this Mujaz's schema version (a start migrates it). The destination is
migrated to the same version first, and must be empty unless `replace` (then it is emptied,
in the same transaction). Not copied: `schema_migrations` (each side has its own) and
`sender_lease` (who sends now is a live process's, not data).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiosqlite
import psycopg
from psycopg import sql

from bot.errors import MujazError
from storage.db import MIGRATIONS_DIR, migrations
from storage.postgres_db import PostgresDatabase

NOT_COPIED = frozenset({"schema_migrations", "sender_lease"})
BATCH = 5000  # rows read from SQLite at a time: memory stays flat on a big database


class CopyRefused(MujazError):
    """The copy did not start (or was undone): one line saying why."""


@dataclass(frozen=True)
class TableCount:
    table: str
    source: int
    copied: int

    @property
    def ok(self) -> bool:
        return self.source == self.copied


def sqlite_path(url: str) -> Path | None:
    """`sqlite:///abs/path` or `sqlite://rel/path` as a path; None for another scheme."""
    if url.startswith("sqlite://"):
        return Path(url.removeprefix("sqlite://"))
    return None


def is_postgres_url(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://"))


async def copy_sqlite_to_postgres(
    source: Path,
    dsn: str,
    *,
    replace: bool = False,
    on_table: Callable[[TableCount], None] | None = None,
) -> list[TableCount]:
    """Copy everything; the per-table counts, all verified equal (else CopyRefused)."""
    if not source.is_file():
        raise CopyRefused(f"{source}: no such database file")
    newest = migrations(MIGRATIONS_DIR)[-1][0]
    uri = f"file:{quote(str(source.resolve()))}?mode=ro"
    async with aiosqlite.connect(uri, uri=True, isolation_level=None) as src:
        await src.execute("BEGIN")  # one snapshot for every table
        version = await _sqlite_version(src)
        if version != newest:
            raise CopyRefused(
                f"{source} has schema version {version}, this Mujaz {newest}:"
                " start this Mujaz on it once (it migrates at start), then copy"
            )
        destination = await PostgresDatabase.open(dsn)  # migrated to this Mujaz's version
        await destination.close()
        async with await psycopg.AsyncConnection.connect(dsn) as dst:
            counts = await _copy(src, dst, replace=replace, on_table=on_table)
            await dst.commit()
            # Planner statistics now, not at autovacuum's leisure: without them the first
            # digest run scans subscriptions whole for every slice of chats (bench/digest.py).
            await dst.execute("ANALYZE")
            await dst.commit()
    return counts


async def _copy(
    src: aiosqlite.Connection,
    dst: psycopg.AsyncConnection[Any],
    *,
    replace: bool,
    on_table: Callable[[TableCount], None] | None,
) -> list[TableCount]:
    tables = await _tables_in_order(dst)
    source_tables = await _sqlite_tables(src)
    missing = sorted(set(tables) - source_tables)
    if missing:
        raise CopyRefused(f"the source lacks tables the destination has: {', '.join(missing)}")
    extra = sorted(source_tables - set(tables) - NOT_COPIED)
    if extra:
        raise CopyRefused(f"the destination lacks tables the source has: {', '.join(extra)}")
    if replace:
        names = sql.SQL(", ").join(sql.Identifier(t) for t in tables)
        await dst.execute(sql.SQL("TRUNCATE {} RESTART IDENTITY CASCADE").format(names))
    else:
        full = [t for t in tables if await _count_pg(dst, t)]
        if full:
            raise CopyRefused(
                f"the destination already holds rows ({', '.join(full)}): copy into an empty"
                " database, or pass --replace to empty it first"
            )
    counts = []
    for table in tables:
        columns = await _columns(src, dst, table)
        await _copy_table(src, dst, table, columns)
        await _reset_identities(dst, table)
        count = TableCount(table, await _count_sqlite(src, table), await _count_pg(dst, table))
        if on_table is not None:
            on_table(count)
        counts.append(count)
    wrong = [c for c in counts if not c.ok]
    if wrong:
        await dst.rollback()
        detail = ", ".join(f"{c.table} {c.source} → {c.copied}" for c in wrong)
        raise CopyRefused(f"row counts differ, nothing was kept: {detail}")
    return counts


async def _sqlite_version(src: aiosqlite.Connection) -> int:
    async with src.execute(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
    ) as cursor:
        row = await cursor.fetchone()
    if not row or not row[0]:
        return 0
    async with src.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def _sqlite_tables(src: aiosqlite.Connection) -> set[str]:
    """The user tables, FTS5's own shadow tables left out (their virtual table stands)."""
    async with src.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ) as cursor:
        rows = list(await cursor.fetchall())
    virtual = [str(r[0]) for r in rows if "VIRTUAL TABLE" in str(r[1] or "").upper()]
    return {
        str(r[0])
        for r in rows
        if not any(str(r[0]).startswith(f"{v}_") and str(r[0]) != v for v in virtual)
    }


async def _tables_in_order(dst: psycopg.AsyncConnection[Any]) -> list[str]:
    """The destination's tables (NOT_COPIED aside), each after the tables it references."""
    cursor = await dst.execute(
        "SELECT table_name FROM information_schema.tables"
        " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        " ORDER BY table_name"
    )
    names = [str(r[0]) for r in await cursor.fetchall() if str(r[0]) not in NOT_COPIED]
    cursor = await dst.execute(
        "SELECT c.conrelid::regclass::text, c.confrelid::regclass::text FROM pg_constraint c"
        " WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace"
    )
    parents: dict[str, set[str]] = {name: set() for name in names}
    for child, parent in await cursor.fetchall():
        if child in parents and parent != child and parent in parents:
            parents[child].add(parent)
    ordered: list[str] = []
    while parents:
        ready = sorted(t for t, p in parents.items() if not p - set(ordered))
        if not ready:
            raise CopyRefused(f"foreign keys form a cycle among {', '.join(sorted(parents))}")
        ordered.extend(ready)
        for table in ready:
            del parents[table]
    return ordered


async def _columns(
    src: aiosqlite.Connection, dst: psycopg.AsyncConnection[Any], table: str
) -> list[str]:
    """The destination's stored (not generated) columns, all of which the source has:
    its own, or SQLite's implicit `rowid`."""
    cursor = await dst.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema ="
        " current_schema() AND table_name = %s AND is_generated = 'NEVER'"
        " ORDER BY ordinal_position",
        (table,),
    )
    wanted = [str(r[0]) for r in await cursor.fetchall()]
    async with src.execute("SELECT name FROM pragma_table_info(?)", (table,)) as result:
        have = {str(r[0]) for r in await result.fetchall()}
    lacking = [c for c in wanted if c not in have and c != "rowid"]
    if lacking:
        raise CopyRefused(f"{table}: the source lacks columns {', '.join(lacking)}")
    left_behind = sorted(have - set(wanted))
    if left_behind:
        raise CopyRefused(f"{table}: the destination lacks columns {', '.join(left_behind)}")
    return wanted


async def _copy_table(
    src: aiosqlite.Connection, dst: psycopg.AsyncConnection[Any], table: str, columns: Sequence[str]
) -> None:
    names = ", ".join(f'"{c}"' for c in columns)
    target = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    )
    async with (
        dst.cursor() as cursor,
        cursor.copy(target) as copy,
        src.execute(f'SELECT {names} FROM "{table}"') as rows,
    ):
        while batch := await rows.fetchmany(BATCH):
            for row in batch:
                await copy.write_row(tuple(row))


async def _reset_identities(dst: psycopg.AsyncConnection[Any], table: str) -> None:
    """Each identity column's sequence continues after the largest id copied."""
    cursor = await dst.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema ="
        " current_schema() AND table_name = %s AND is_identity = 'YES'",
        (table,),
    )
    for (column,) in await cursor.fetchall():
        await dst.execute(
            sql.SQL(
                "SELECT setval(pg_get_serial_sequence({t}, {c}), COALESCE(MAX({col}), 0) + 1,"
                " false) FROM {table}"
            ).format(
                t=sql.Literal(table),
                c=sql.Literal(column),
                col=sql.Identifier(column),
                table=sql.Identifier(table),
            )
        )


async def _count_sqlite(src: aiosqlite.Connection, table: str) -> int:
    async with src.execute(f'SELECT COUNT(*) FROM "{table}"') as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def _count_pg(dst: psycopg.AsyncConnection[Any], table: str) -> int:
    cursor = await dst.execute(sql.SQL("SELECT COUNT(*) FROM {}").format(sql.Identifier(table)))
    row = await cursor.fetchone()
    return int(row[0]) if row else 0
