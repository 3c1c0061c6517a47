"""The SQLite connection: WAL, foreign keys, explicit transactions, named migrations.

Migrations are the files `storage/migrations/NNNN_name.sql`, applied in order,
each in its own transaction and recorded in `schema_migrations`. A database of
any earlier version comes up to date at start; nothing is ever applied twice.
Before the first migration is applied to a database that has data, a copy of it as
it was is written beside it: `<name>.pre-migration-<version>` (version 7 → 0007).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite

from bot.errors import ConstraintError, DatabaseUnusable, StorageError
from storage.backend import Pending
from storage.dialect import SQLITE, Dialect

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
IN_CHUNK = 900  # values per IN (...), under SQLite's default limit of bound parameters
_MIGRATION_NAME = re.compile(r"^(\d{4})_(\w+)\.sql$")


def utc_now() -> datetime:
    return datetime.now(UTC)


def to_db_time(moment: datetime) -> str:
    """Timestamps are stored as sortable UTC text; the year always has four digits
    (strftime writes year 1 as "1", which neither sorts nor reads back)."""
    utc = moment.astimezone(UTC)
    return f"{utc.year:04d}-{utc:%m-%dT%H:%M:%S}Z"


def from_db_time(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


@asynccontextmanager
async def _named_errors() -> AsyncIterator[None]:
    """A full disk, a damaged file or an I/O error becomes one StorageError with SQLite's
    words; a broken constraint, which a repository may expect, a ConstraintError."""
    try:
        yield
    except sqlite3.IntegrityError as exc:
        raise ConstraintError(str(exc)) from exc
    except sqlite3.DatabaseError as exc:
        raise StorageError(f"database error: {exc}") from exc


def _create_private(path: Path) -> None:
    """A new database file is readable by its owner only (it holds readers' chat ids);
    SQLite gives its -wal and -shm files the same mode."""
    if str(path) == ":memory:" or path.exists():
        return
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def migrations(directory: Path = MIGRATIONS_DIR) -> list[tuple[int, str, Path]]:
    found = []
    for path in directory.iterdir():
        match = _MIGRATION_NAME.match(path.name)
        if match:
            found.append((int(match.group(1)), match.group(2), path))
    return sorted(found)


class SqliteResult:
    """What `SqliteTx.execute` gives: aiosqlite's cursor as storage.backend's `Result`."""

    def __init__(self, cursor: aiosqlite.Cursor) -> None:
        self._cursor = cursor
        self.rowcount = cursor.rowcount

    async def fetchone(self) -> aiosqlite.Row | None:
        return await self._cursor.fetchone()

    async def fetchall(self) -> list[aiosqlite.Row]:
        return list(await self._cursor.fetchall())

    async def close(self) -> None:
        await self._cursor.close()

    async def __aenter__(self) -> SqliteResult:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


class SqliteTx:
    """Statements inside one `Database.transaction()`: a thin layer over the connection, so
    repositories see the same `Transaction` on SQLite and PostgreSQL."""

    dialect = SQLITE

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self.connection = connection

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Pending[SqliteResult]:
        return Pending(self._execute(sql, params))

    async def _execute(self, sql: str, params: Sequence[Any]) -> SqliteResult:
        return SqliteResult(await self.connection.execute(sql, params))

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        """Rows changed over all the parameter sets (sqlite3 sums them)."""
        if not rows:
            return 0
        async with self.connection.executemany(sql, rows) as cursor:
            return max(cursor.rowcount, 0)

    async def insert_returning(
        self, sql: str, rows: Sequence[Sequence[Any]], *, table: str, returning: str
    ) -> list[aiosqlite.Row]:
        """`sql` (an INSERT that may skip rows: ON CONFLICT DO NOTHING) for every parameter
        set, and the `returning` columns of the rows it added.

        Inside this write transaction (SQLite's is exclusive) the ids above the largest one
        before are exactly the rows added: `table`'s AUTOINCREMENT ids only grow."""
        if not rows:
            return []
        async with self.connection.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}") as c:
            row = await c.fetchone()
        before = int(row[0]) if row else 0
        await self.connection.executemany(sql, rows)
        async with self.connection.execute(
            f"SELECT {returning} FROM {table} WHERE id > ? ORDER BY id", (before,)
        ) as cursor:
            return list(await cursor.fetchall())


class SharedBackend:
    """What both backends do alike with one connection and one lock (see storage/backend.py)."""

    clock: Callable[[], datetime]

    def now(self) -> str:
        """The injected clock's time as stored: every repository stamps rows with it."""
        return to_db_time(self.clock())

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        raise NotImplementedError

    async def fetch_in(
        self, sql: str, values: Sequence[Any], *, before: Sequence[Any] = ()
    ) -> list[Any]:
        """Rows of `sql` whose `IN ({})` gets `values`, chunked under SQLite's parameter limit
        (PostgreSQL's, 65535, is higher).

        `before` binds the placeholders that stand ahead of the IN list.
        """
        rows: list[Any] = []
        for start in range(0, len(values), IN_CHUNK):
            chunk = list(values[start : start + IN_CHUNK])
            marks = ",".join("?" * len(chunk))
            rows.extend(await self.fetchall(sql.format(marks), [*before, *chunk]))
        return rows


class Database(SharedBackend):
    """One aiosqlite connection shared by the repositories.

    aiosqlite runs every statement on one thread; the lock keeps the statements
    of one transaction together when several coroutines write at once.
    """

    def __init__(
        self,
        connection: aiosqlite.Connection,
        clock: Callable[[], datetime] = utc_now,
        path: Path | None = None,
    ) -> None:
        self.connection = connection
        self.clock = clock
        self.path = path  # None for ":memory:"
        self._lock = asyncio.Lock()

    @property
    def dialect(self) -> Dialect:
        return SQLITE

    @classmethod
    async def open(
        cls,
        path: Path | str,
        *,
        migrate_to: int | None = None,
        migrations_dir: Path = MIGRATIONS_DIR,
        clock: Callable[[], datetime] = utc_now,
    ) -> Database:
        _create_private(Path(path))
        try:
            connection = await aiosqlite.connect(str(path), isolation_level=None)
        except sqlite3.Error as exc:
            raise DatabaseUnusable(f"DATABASE_PATH: cannot open {path}: {exc}") from None
        db = cls(connection, clock, None if str(path) == ":memory:" else Path(path))
        try:
            connection.row_factory = aiosqlite.Row
            await connection.execute("PRAGMA journal_mode=WAL")
            await connection.execute("PRAGMA foreign_keys=ON")
            await connection.execute("PRAGMA busy_timeout=5000")
            await connection.execute("PRAGMA synchronous=NORMAL")
            await db.migrate(up_to=migrate_to, directory=migrations_dir)
        except sqlite3.DatabaseError as exc:  # not a database, damaged, or the disk is full
            await connection.close()
            raise DatabaseUnusable(f"DATABASE_PATH: cannot use {path}: {exc}") from None
        except BaseException:
            await connection.close()
            raise
        return db

    async def close(self) -> None:
        await self.connection.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[SqliteTx]:
        async with self._lock, _named_errors():
            await self.connection.execute("BEGIN IMMEDIATE")
            try:
                yield SqliteTx(self.connection)
            except BaseException:
                with contextlib.suppress(sqlite3.Error):  # a full disk may refuse even this
                    await self.connection.execute("ROLLBACK")
                raise
            await self.connection.execute("COMMIT")

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[aiosqlite.Row]:
        async with self._lock, _named_errors(), self.connection.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> aiosqlite.Row | None:
        async with self._lock, _named_errors(), self.connection.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement in its own transaction; returns the number of rows changed."""
        async with self.transaction() as tx, tx.execute(sql, params) as result:
            return result.rowcount

    async def schema_version(self) -> int:
        row = await self.fetchone(
            "SELECT name FROM sqlite_master WHERE type='table' AND name='schema_migrations'"
        )
        if row is None:
            return 0
        row = await self.fetchone("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
        return int(row[0]) if row else 0

    async def migrate(
        self, *, up_to: int | None = None, directory: Path = MIGRATIONS_DIR
    ) -> list[str]:
        """Apply the migrations this database lacks; returns their names."""
        await self.connection.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        # Every migration not yet recorded, in order: a branch that merged a lower number
        # after a higher one was applied still gets it.
        done = {row[0] for row in await self.fetchall("SELECT version FROM schema_migrations")}
        known = migrations(directory)
        newest = known[-1][0] if known else 0
        if done and max(done) > newest:
            raise DatabaseUnusable(
                f"DATABASE_PATH: the database has schema version {max(done)}, newer than this"
                f" Mujaz knows ({newest}); run the newer release, or restore a backup"
            )
        applied: list[str] = []
        for version, name, path in known:
            if version in done or (up_to is not None and version > up_to):
                continue
            if done and not applied:
                await self._keep_pre_migration_copy(max(done))
            async with self.transaction() as conn:
                for statement in _statements(path.read_text(encoding="utf-8")):
                    await conn.execute(statement)
                await conn.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (version, name, self.now()),
                )
            applied.append(f"{version:04d}_{name}")
        return applied

    async def _keep_pre_migration_copy(self, version: int) -> None:
        """The database as it was, beside it, before a migration changes it: a release
        that goes wrong can be undone with `mujaz restore`. Without it nothing migrates."""
        if self.path is None:
            return
        target = pre_migration_path(self.path, version)
        partial = target.with_name(f".{target.name}.partial")
        try:
            with contextlib.suppress(FileNotFoundError):
                partial.unlink()
            os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            await self.connection.execute("VACUUM INTO ?", (str(partial),))
            os.replace(partial, target)
        except (OSError, sqlite3.Error) as exc:
            with contextlib.suppress(OSError):
                partial.unlink()
            raise DatabaseUnusable(
                f"DATABASE_PATH: cannot write {target} before migrating: {exc}"
            ) from None
        log.info("schema version %d kept as %s before migrating", version, target)


def pre_migration_path(database: Path, version: int) -> Path:
    return database.with_name(f"{database.name}.pre-migration-{version:04d}")


def _statements(script: str) -> Iterable[str]:
    """Split a migration into statements (executescript would commit our transaction)."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        if line.strip().startswith("--"):
            continue
        buffer += line
        if buffer.rstrip().endswith(";") and sqlite3.complete_statement(buffer):
            yield buffer.strip()
            buffer = ""
    if buffer.strip():
        yield buffer.strip()
