"""What the repositories ask of a database, whichever backend holds it (issue 14).

`storage/db.py` (SQLite, aiosqlite) and `storage/postgres_db.py` (PostgreSQL, psycopg 3)
both satisfy `Backend`; every repository is typed against it and never sees a driver's
connection. Inside `transaction()` a repository gets a `Transaction`: `execute` gives a
`Result` (rowcount, fetchone/fetchall), awaited or used as `async with` (which closes it),
and `executemany` gives the rows changed over all its parameter sets. Statements are written
with SQLite's `?`; what differs between the two SQL dialects is `Backend.dialect`'s
(storage/dialect.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Generator, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeAlias, TypeVar

if TYPE_CHECKING:
    from storage.dialect import Dialect

# A row reads by position (`row[0]`) and by column name (`row["chat_id"]`) on both backends
# (sqlite3.Row; storage.postgres_db.Row). Typed loosely: the two share no stub type.
Row: TypeAlias = Any


class Result(Protocol):
    """One executed statement: the rows it changed, and the rows it gave (SELECT, RETURNING)."""

    rowcount: int

    async def fetchone(self) -> Row | None: ...

    async def fetchall(self) -> list[Row]: ...

    async def close(self) -> None: ...


class Transaction(Protocol):
    """Statements inside one `Backend.transaction()`: all of them commit, or none."""

    dialect: Dialect

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Pending[Result]: ...

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> int: ...

    async def insert_returning(
        self, sql: str, rows: Sequence[Sequence[Any]], *, table: str, returning: str
    ) -> list[Row]:
        """`sql`, an INSERT into `table` that may skip rows (ON CONFLICT DO NOTHING), for
        every parameter set; the `returning` columns of the rows it added. (SQLite reads
        them back above the largest id before; PostgreSQL uses RETURNING.)"""
        ...


class Backend(Protocol):
    """A database the repositories run on: SQLite's `Database` or `PostgresDatabase`."""

    clock: Callable[[], datetime]

    @property
    def dialect(self) -> Dialect: ...

    def now(self) -> str: ...

    def transaction(self) -> AbstractAsyncContextManager[Transaction]: ...

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]: ...

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None: ...

    async def fetch_in(
        self, sql: str, values: Sequence[Any], *, before: Sequence[Any] = ()
    ) -> list[Row]: ...

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int: ...

    async def schema_version(self) -> int: ...

    async def close(self) -> None: ...


R = TypeVar("R", bound=Result, covariant=True)


class Pending(Generic[R]):
    """A statement on its way: `await` it for its `Result`, or `async with` it, which closes
    the result at the end of the block (as aiosqlite's `execute` allows both)."""

    def __init__(self, running: Awaitable[R]) -> None:
        self._running = running
        self._result: R | None = None

    def __await__(self) -> Generator[Any, None, R]:
        return self._running.__await__()

    async def __aenter__(self) -> R:
        self._result = await self._running
        return self._result

    async def __aexit__(self, *exc: object) -> None:
        if self._result is not None:
            await self._result.close()
