"""The sender lease on PostgreSQL (issue 14): an advisory lock, not a heartbeat's age.

On SQLite the lease is the `sender_lease` row and its heartbeat (storage/lease.py,
bot/lease.py's rule). On PostgreSQL holding is a session-level
`pg_try_advisory_lock(LEASE_KEY)` on a connection of its own that the holder keeps open: when
the holder dies (SIGKILL, host loss) PostgreSQL ends its session and frees the lock, so a
standby polling every POLL takes over within seconds, with no stale-heartbeat wait. TCP
keepalives on that connection, the server's as well as libpq's, bound how long a dead
host's session lingers (about KEEPALIVE_BOUND). The row stays, saying who holds it
(`/status`, `mujaz takeover`).

The same methods as storage/lease.py's LeaseRepository, plus `wait_to_acquire` for a
standby and `close`. It takes the DSN rather than the shared connection: the lock must live
on a connection nobody else uses or closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict

from bot.lease import STALE, Holder
from storage.db import from_db_time, to_db_time, utc_now

log = logging.getLogger(__name__)

NAME = "sender"
LEASE_KEY = 0x6D756A617A02  # "mujaz" + 2 (storage/postgres_db.py's MIGRATE_LOCK is + 1)
# pg_locks shows a bigint advisory key as classid (high 32 bits) and objid (low 32 bits).
_CLASSID, _OBJID = LEASE_KEY >> 32, LEASE_KEY & 0xFFFFFFFF
POLL = timedelta(seconds=5)  # a standby's attempts: well inside the 60 s takeover
# Both ends probe an idle connection after 10 s, every 5 s, and give up after 3 unanswered
# probes; a write nobody acknowledges fails within 30 s. The server's side matters most: it
# is the server that must notice a holder whose host died and end its session, freeing the
# lock (its default is the OS's, often two hours). libpq's side lets the holder notice a
# dead server. A dead host's hold ends within about KEEPALIVE_BOUND (TCP connections; a
# Unix socket has no host to lose).
KEEPALIVES: dict[str, Any] = {
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 5,
    "keepalives_count": 3,
    "tcp_user_timeout": 30_000,
    "connect_timeout": 10,
}
SERVER_KEEPALIVES = (
    "-c tcp_keepalives_idle=10 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=3"
    " -c tcp_user_timeout=30000"
)
KEEPALIVE_BOUND = timedelta(seconds=30)


async def connect_kept_alive(dsn: str) -> psycopg.AsyncConnection[Any]:
    """An autocommit connection whose death either end notices within KEEPALIVE_BOUND."""
    given = conninfo_to_dict(dsn).get("options")
    options = f"{given} {SERVER_KEEPALIVES}" if given else SERVER_KEEPALIVES
    return await psycopg.AsyncConnection.connect(
        dsn, autocommit=True, options=options, **KEEPALIVES
    )


_HOLDERS = (
    "SELECT l.pid FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted"
    f" AND l.classid = {_CLASSID} AND l.objid = {_OBJID} AND l.objsubid = 1"
)


class PostgresLeaseRepository:
    """Holding the sender lease through an advisory lock on a dedicated connection."""

    def __init__(self, dsn: str, *, clock: Callable[[], datetime] = utc_now) -> None:
        self.dsn = dsn
        self.clock = clock
        self._held: psycopg.AsyncConnection[Any] | None = None

    async def holder(self) -> Holder | None:
        """Who the row says holds it, if a session holds the lock; None when it is free."""
        async with await self._connect() as conn:
            return await _holder(conn)

    async def acquire(self, me: Holder, *, stale: timedelta = STALE) -> Holder | None:
        """Take the lease for `me`; None when taken, else who keeps it. `stale` is SQLite's
        rule: here a holder keeps the lease exactly as long as its session lives."""
        if self._held is not None and not self._held.closed:
            if await self._still_held():
                await self._write_row(me)
                return None
            await self._drop()
        conn = await self._connect()
        try:
            got = await (
                await conn.execute("SELECT pg_try_advisory_lock(%s)", (LEASE_KEY,))
            ).fetchone()
            if not (got and got[0]):
                current = await _holder(conn)
                await conn.close()
                return current or Holder("", "unknown", 0, me.heartbeat_at)
        except psycopg.Error:
            await conn.close()
            raise
        self._held = conn
        await self._write_row(me)
        return None

    async def wait_to_acquire(self, me: Holder, *, poll: timedelta = POLL) -> None:
        """A standby: try every `poll` until the holder's session ends, then hold it."""
        said = False
        while True:
            me = replace(me, heartbeat_at=self.clock())  # the row says when we took it
            try:
                current = await self.acquire(me)
            except psycopg.OperationalError as exc:  # the server restarting: try again
                log.warning("sender lease: %s", type(exc).__name__)
                current = Holder("", "unknown", 0, self.clock())
            if current is None:
                log.info("sender lease taken: this process sends")
                return
            if not said:
                log.info(
                    "standby: %s holds the sender lease; waiting", current.describe(self.clock())
                )
                said = True
            await asyncio.sleep(poll.total_seconds())

    async def beat(self, instance: str, now: datetime) -> bool:
        """Still the holder? False once our session is gone (killed, network lost: the lock
        went with it) or `mujaz takeover` cleared the row; then stop sending."""
        if self._held is None or self._held.closed:
            return False
        try:
            if not await self._still_held():
                await self._drop()
                return False
            cursor = await self._held.execute(
                "UPDATE sender_lease SET heartbeat_at = %s WHERE name = %s AND instance = %s",
                (to_db_time(now), NAME, instance),
            )
        except psycopg.Error as exc:
            log.error("sender lease lost with its connection: %s", exc)
            await self._drop()
            return False
        return cursor.rowcount == 1

    async def release(self, instance: str) -> None:
        """Clear our row and end our session, which frees the lock."""
        if self._held is None or self._held.closed:
            return
        try:
            await self._held.execute(
                "DELETE FROM sender_lease WHERE name = %s AND instance = %s", (NAME, instance)
            )
            await self._held.execute("SELECT pg_advisory_unlock(%s)", (LEASE_KEY,))
        except psycopg.Error as exc:
            log.warning("sender lease release: %s", exc)
        await self._drop()

    async def break_lease(self) -> Holder | None:
        """`mujaz takeover`: clear the row and end the holding session, so the lock is free
        now and the old holder's next beat says it lost."""
        async with await self._connect() as conn:
            current = await _holder(conn)
            await conn.execute("DELETE FROM sender_lease WHERE name = %s", (NAME,))
            await conn.execute(
                f"SELECT pg_terminate_backend(pid) FROM ({_HOLDERS}) AS h"
                " WHERE pid <> pg_backend_pid()"
            )
        return current

    async def close(self) -> None:
        await self._drop()

    async def session_setting(self, name: str) -> str | None:
        """A setting of the holding session as the server sees it (the keepalives: tests)."""
        if self._held is None or self._held.closed:
            return None
        row = await (await self._held.execute("SELECT current_setting(%s)", (name,))).fetchone()
        return None if row is None else str(row[0])

    async def backend_pid(self) -> int | None:
        """The server process of our holding session (tests end it to play a dead host)."""
        return None if self._held is None or self._held.closed else self._held.info.backend_pid

    async def _connect(self) -> psycopg.AsyncConnection[Any]:
        return await connect_kept_alive(self.dsn)

    async def _still_held(self) -> bool:
        assert self._held is not None
        row = await (
            await self._held.execute(f"{_HOLDERS} AND l.pid = pg_backend_pid()")
        ).fetchone()
        return row is not None

    async def _write_row(self, me: Holder) -> None:
        assert self._held is not None
        await self._held.execute(
            "INSERT INTO sender_lease (name, instance, host, pid, heartbeat_at)"
            " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (name) DO UPDATE SET instance ="
            " excluded.instance, host = excluded.host, pid = excluded.pid,"
            " heartbeat_at = excluded.heartbeat_at",
            (NAME, me.instance, me.host, me.pid, to_db_time(me.heartbeat_at)),
        )

    async def _drop(self) -> None:
        held, self._held = self._held, None
        if held is not None and not held.closed:
            with contextlib.suppress(psycopg.Error):
                await held.close()


async def _holder(conn: psycopg.AsyncConnection[Any]) -> Holder | None:
    """The row's holder while some session holds the lock; None when nobody does."""
    locked = await (await conn.execute(_HOLDERS)).fetchone()
    if locked is None:
        return None
    row = await (
        await conn.execute(
            "SELECT instance, host, pid, heartbeat_at FROM sender_lease WHERE name = %s", (NAME,)
        )
    ).fetchone()
    if row is None:  # taken a moment ago, its row not yet written
        return Holder("", "unknown", 0, utc_now())
    return Holder(row[0], row[1], int(row[2]), from_db_time(row[3]))
