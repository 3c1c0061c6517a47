"""The `database` fixture: one test, run on SQLite and on PostgreSQL (issue 14).

A test that takes `database` runs twice, `[sqlite]` against a file under `tmp_path` and
`[postgresql]` against a fresh database on the session's throwaway server (tests/pg.py;
skipped, with its reason, on a machine without PostgreSQL). It opens the backend itself
(`await database.open(clock=...)`), or hands the bot `database.settings()` /
`database.env()`: the same test, never a copy of it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from storage.backend import Backend
from storage.db import Database, utc_now
from storage.dialect import to_pyformat
from tests.pg import PostgresServer, scratch_database

BACKENDS = ("sqlite", "postgresql")


@dataclass(frozen=True)
class TestDatabase:
    """Where one test's database lives."""

    __test__ = False  # not a test class, whatever its name

    backend: str  # "sqlite" or "postgresql"
    path: Path  # the SQLite file (PostgreSQL: unused)
    url: str | None  # the PostgreSQL DSN (SQLite: None)

    @property
    def postgres(self) -> bool:
        return self.url is not None

    async def open(self, *, clock: Callable[[], datetime] = utc_now) -> Backend:
        """The backend, migrated to the newest version."""
        if self.url is not None:
            from storage.postgres_db import PostgresDatabase

            return await PostgresDatabase.open(self.url, clock=clock)
        return await Database.open(self.path, clock=clock)

    def settings(self) -> dict[str, Any]:
        """For `load_settings`/`start_bot`: DATABASE_URL on PostgreSQL, else DATABASE_PATH."""
        return {"database_url": self.url} if self.url else {"database_path": self.path}

    def env(self) -> dict[str, str]:
        """For a `mujaz` process: the same, as environment variables."""
        return {"DATABASE_URL": self.url} if self.url else {"DATABASE_PATH": str(self.path)}

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Read the database from the side, as an operator's sqlite3 or psql would, while
        a bot process works on it (SQLite's `?` placeholders on both)."""
        if self.url is not None:
            import psycopg

            with psycopg.connect(self.url, autocommit=True) as connection:
                return list(connection.execute(to_pyformat(sql), tuple(params)).fetchall())
        with sqlite3.connect(self.path, timeout=10) as connection:
            return list(connection.execute(sql, tuple(params)).fetchall())


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TestDatabase]:
    if request.param == "sqlite":
        yield TestDatabase("sqlite", tmp_path / "mujaz.db", None)
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    with scratch_database(server) as url:
        yield TestDatabase("postgresql", tmp_path / "unused.db", url)
