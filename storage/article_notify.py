"""New articles wake the bot's planner across processes on PostgreSQL (issue 14).

An ingest process (`mujaz run --role ingest`, any host) that stored articles sends
`NOTIFY mujaz_articles, '<count>'`; the bot process keeps one connection LISTENing and calls
back on each notification, so the planner learns of new articles at once instead of
polling for them. PostgreSQL delivers a notification only when the transaction that sent it
commits, so the articles are readable by the time the planner looks.

On SQLite there is nothing here: the wake stays in-process (bot/delivery/planner_wake.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

import psycopg

from storage.lease_pg import connect_kept_alive
from storage.postgres_db import PostgresDatabase

log = logging.getLogger(__name__)

CHANNEL = "mujaz_articles"
NOTIFY_SQL = "SELECT pg_notify(?, ?)"  # pg_notify: the channel and payload as parameters
RETRY_SECONDS = 5.0  # a lost LISTEN connection is reopened this often until it works


async def notify_new_articles(db: PostgresDatabase, count: int) -> None:
    """Tell every listening bot that `count` articles were stored (after they committed)."""
    await db.execute(NOTIFY_SQL, (CHANNEL, str(count)))


async def notify_in(tx: Any, count: int) -> None:
    """The same inside the article-storing transaction: sent when, and only if, it commits."""
    await tx.execute(NOTIFY_SQL, (CHANNEL, str(count)))


class ArticleListener:
    """LISTEN on CHANNEL over a connection of its own; `on_articles(count)` per notification.

    After a lost connection is reopened it calls `on_articles(0)` once: notifications sent
    meanwhile are lost, so the planner should look anyway.
    """

    def __init__(
        self, dsn: str, on_articles: Callable[[int], None], *, retry: float = RETRY_SECONDS
    ) -> None:
        self.dsn = dsn
        self.on_articles = on_articles
        self.retry = retry
        self._conn: psycopg.AsyncConnection[Any] | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Listening when this returns: a NOTIFY sent after it reaches us."""
        self._conn = await self._listen()
        self._task = asyncio.create_task(self._run(), name="article-listener")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self._drop()

    async def backend_pid(self) -> int | None:
        """The server process of the listening session (tests end it)."""
        conn = self._conn
        return None if conn is None or conn.closed else conn.info.backend_pid

    async def _listen(self) -> psycopg.AsyncConnection[Any]:
        conn = await connect_kept_alive(self.dsn)
        await conn.execute(f"LISTEN {CHANNEL}")
        return conn

    async def _run(self) -> None:
        while True:
            try:
                if self._conn is None or self._conn.closed:
                    self._conn = await self._listen()
                    log.info("listening for new articles again")
                    self.on_articles(0)
                async for note in self._conn.notifies():
                    self.on_articles(_count(note.payload))
            except psycopg.Error as exc:
                log.warning("article notifications lost (%s); retrying", type(exc).__name__)
                await self._drop()
                await asyncio.sleep(self.retry)

    async def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None and not conn.closed:
            with contextlib.suppress(psycopg.Error):
                await conn.close()


def _count(payload: str) -> int:
    try:
        return max(0, int(payload))
    except ValueError:
        return 0
