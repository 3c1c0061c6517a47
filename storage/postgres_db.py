"""The PostgreSQL connection (issue 14, docs/postgres-plan.md): the same calls as
storage/db.py's SQLite `Database`, on psycopg 3.

Not used by the bot yet (bot/config.py refuses a PostgreSQL DATABASE_URL until the
repositories run on both backends). Statements are written SQLite-style with `?`;
storage/dialect.py turns them into psycopg's form. Rows read by index and by name, as
aiosqlite's do.

Migrations are `storage/migrations_pg/NNNN_name.sql`. The first is a baseline standing for
SQLite's migrations up to its number, which it records as applied, so `schema_migrations`
reads the same on both backends. They run in one transaction under an advisory lock, so two
processes starting together migrate once.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg.rows import RowMaker

from bot.errors import ConstraintError, DatabaseUnusable, StorageError
from storage.backend import Backend, Pending
from storage.db import MIGRATIONS_DIR, Database, SharedBackend, migrations, utc_now
from storage.dialect import POSTGRES, Dialect, to_pyformat

PG_MIGRATIONS_DIR = MIGRATIONS_DIR.parent / "migrations_pg"
MIGRATE_LOCK = 0x6D756A617A01  # pg_advisory_xact_lock key: "mujaz" + 1, held while migrating


class Row(tuple[Any, ...]):
    """One row, by position (`row[0]`) or by column name (`row["chat_id"]`)."""

    _names: dict[str, int]

    def __new__(cls, values: Sequence[Any], names: dict[str, int]) -> Row:
        row = super().__new__(cls, values)
        row._names = names
        return row

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return super().__getitem__(self._names[key])
        return super().__getitem__(key)

    def keys(self) -> list[str]:
        return list(self._names)


def _row_factory(cursor: Any) -> RowMaker[Row]:
    names = {c.name: i for i, c in enumerate(cursor.description or ())}
    return lambda values: Row(values, names)


class Result:
    """What `Tx.execute` returns: the rows changed, and the rows a SELECT or RETURNING gave."""

    def __init__(self, cursor: psycopg.AsyncCursor[Row]) -> None:
        self._cursor = cursor
        self.rowcount = cursor.rowcount

    async def fetchone(self) -> Row | None:
        return await self._cursor.fetchone()

    async def fetchall(self) -> list[Row]:
        return await self._cursor.fetchall()

    async def close(self) -> None:
        await self._cursor.close()

    async def __aenter__(self) -> Result:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


class Tx:
    """Statements inside one `PostgresDatabase.transaction()`."""

    dialect = POSTGRES

    def __init__(self, connection: psycopg.AsyncConnection[Row]) -> None:
        self.connection = connection

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Pending[Result]:
        return Pending(self._execute(sql, params))

    async def _execute(self, sql: str, params: Sequence[Any]) -> Result:
        cursor = self.connection.cursor()
        await cursor.execute(to_pyformat(sql), tuple(params))
        return Result(cursor)

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        """Rows changed over all the parameter sets, in one round trip (pipeline mode)."""
        if not rows:
            return 0
        async with self.connection.cursor() as cursor:
            await cursor.executemany(to_pyformat(sql), [tuple(r) for r in rows])
            return max(cursor.rowcount, 0)

    async def insert_returning(
        self, sql: str, rows: Sequence[Sequence[Any]], *, table: str, returning: str
    ) -> list[Row]:
        """`sql` (an INSERT that may skip rows: ON CONFLICT DO NOTHING) for every parameter
        set, and the `returning` columns of the rows it added, in one round trip."""
        if not rows:
            return []
        found: list[Row] = []
        async with self.connection.cursor() as cursor:
            await cursor.executemany(
                to_pyformat(f"{sql} RETURNING {returning}"),
                [tuple(r) for r in rows],
                returning=True,
            )
            while True:
                found.extend(await cursor.fetchall())
                if not cursor.nextset():
                    break
        return found


@asynccontextmanager
async def _named_errors() -> AsyncIterator[None]:
    """As storage/db.py does for SQLite: a broken connection or server-side failure is one
    StorageError; a broken constraint, which a repository may expect, a ConstraintError."""
    try:
        yield
    except psycopg.errors.IntegrityError as exc:
        raise ConstraintError(str(exc).strip()) from exc
    except psycopg.Error as exc:
        raise StorageError(f"database error: {exc}") from exc


class PostgresDatabase(SharedBackend):
    """One psycopg connection shared by the repositories (a pool comes with the roles)."""

    def __init__(
        self, connection: psycopg.AsyncConnection[Row], clock: Callable[[], datetime] = utc_now
    ) -> None:
        self.connection = connection
        self.clock = clock
        self._lock = asyncio.Lock()

    @property
    def dialect(self) -> Dialect:
        return POSTGRES

    @classmethod
    async def open(
        cls,
        dsn: str,
        *,
        migrate_to: int | None = None,
        migrations_dir: Path = PG_MIGRATIONS_DIR,
        clock: Callable[[], datetime] = utc_now,
    ) -> PostgresDatabase:
        try:
            connection = await psycopg.AsyncConnection.connect(
                dsn, autocommit=True, row_factory=_row_factory
            )
        except psycopg.Error as exc:
            # libpq's message names host and port, never the password
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise DatabaseUnusable(f"DATABASE_URL: cannot connect: {reason}") from None
        db = cls(connection, clock)
        try:
            await db.migrate(up_to=migrate_to, directory=migrations_dir)
        except BaseException:
            await connection.close()
            raise
        return db

    async def close(self) -> None:
        await self.connection.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        async with self._lock, _named_errors(), self.connection.transaction():
            yield Tx(self.connection)

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        async with self._lock, _named_errors(), self.connection.cursor() as cursor:
            await cursor.execute(to_pyformat(sql), tuple(params))
            return await cursor.fetchall()

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        async with self._lock, _named_errors(), self.connection.cursor() as cursor:
            await cursor.execute(to_pyformat(sql), tuple(params))
            return await cursor.fetchone()

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement in its own transaction; returns the number of rows changed."""
        async with self.transaction() as tx:
            return (await tx.execute(sql, params)).rowcount

    async def schema_version(self) -> int:
        row = await self.fetchone("SELECT to_regclass('schema_migrations') IS NOT NULL")
        if row is None or not row[0]:
            return 0
        row = await self.fetchone("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
        return int(row[0]) if row else 0

    async def migrate(
        self, *, up_to: int | None = None, directory: Path = PG_MIGRATIONS_DIR
    ) -> list[str]:
        """Apply the migrations this database lacks, all in one transaction; their names."""
        known = migrations(directory)
        newest = known[-1][0] if known else 0
        applied: list[str] = []
        async with self.transaction() as tx:
            await tx.execute("SELECT pg_advisory_xact_lock(?)", (MIGRATE_LOCK,))
            await tx.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            async with await tx.execute("SELECT version FROM schema_migrations") as result:
                done = {int(r[0]) for r in await result.fetchall()}
            if done and max(done) > newest:
                raise DatabaseUnusable(
                    f"DATABASE_URL: the database has schema version {max(done)}, newer than"
                    f" this Mujaz knows ({newest}); run the newer release"
                )
            for index, (version, name, path) in enumerate(known):
                if version in done or (up_to is not None and version > up_to):
                    continue
                # psycopg runs a script of several statements when it binds no parameters
                await self.connection.execute(path.read_text(encoding="utf-8"))
                stands_for = [(version, name)]
                if index == 0:  # the baseline: SQLite's migrations up to it, by their names
                    stands_for = [(v, n) for v, n, _ in migrations() if v <= version]
                for v, n in stands_for:
                    await tx.execute(
                        "INSERT INTO schema_migrations (version, name, applied_at)"
                        " VALUES (?, ?, ?)",
                        (v, n, self.now()),
                    )
                applied.append(f"{version:04d}_{name}")
        return applied


if TYPE_CHECKING:  # mypy checks here that both backends are what the repositories take

    def _both_are_backends(sqlite: Database, postgres: PostgresDatabase) -> list[Backend]:
        return [sqlite, postgres]
