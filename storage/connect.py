"""Which database a process opens: PostgreSQL when DATABASE_URL is set, else SQLite at
DATABASE_PATH (issue 14). Both come back as a `Backend`, migrated to the newest version."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from storage.backend import Backend
from storage.db import Database, utc_now


async def open_database(
    path: Path, url: str | None = None, *, clock: Callable[[], datetime] = utc_now
) -> Backend:
    """The backend the settings name; DatabaseUnusable (one line, no password) when it
    cannot be reached or used."""
    if url:
        from storage.postgres_db import PostgresDatabase  # psycopg only where it is used

        return await PostgresDatabase.open(url, clock=clock)
    return await Database.open(path, clock=clock)
