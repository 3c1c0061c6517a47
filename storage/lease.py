"""The sender lease row (bot/lease.py holds the rule for taking it)."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.lease import STALE, Holder, may_take
from storage.backend import Backend
from storage.db import from_db_time, to_db_time

NAME = "sender"


class LeaseRepository:
    def __init__(self, db: Backend) -> None:
        self.db = db

    async def holder(self) -> Holder | None:
        row = await self.db.fetchone("SELECT * FROM sender_lease WHERE name = ?", (NAME,))
        if row is None:
            return None
        return Holder(row["instance"], row["host"], row["pid"], from_db_time(row["heartbeat_at"]))

    async def acquire(self, me: Holder, *, stale: timedelta = STALE) -> Holder | None:
        """Take the lease for `me`; None when taken, else the live holder that keeps it."""
        now = me.heartbeat_at
        async with self.db.transaction() as conn:
            async with conn.execute("SELECT * FROM sender_lease WHERE name = ?", (NAME,)) as cur:
                row = await cur.fetchone()
            current = (
                Holder(row["instance"], row["host"], row["pid"], from_db_time(row["heartbeat_at"]))
                if row
                else None
            )
            if not may_take(current, me, now, stale=stale):
                return current
            await conn.execute(
                "INSERT INTO sender_lease (name, instance, host, pid, heartbeat_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET instance ="
                " excluded.instance, host = excluded.host, pid = excluded.pid,"
                " heartbeat_at = excluded.heartbeat_at",
                (NAME, me.instance, me.host, me.pid, to_db_time(now)),
            )
        return None

    async def beat(self, instance: str, now: datetime) -> bool:
        """Renew the lease; False when another process has taken it."""
        changed = await self.db.execute(
            "UPDATE sender_lease SET heartbeat_at = ? WHERE name = ? AND instance = ?",
            (to_db_time(now), NAME, instance),
        )
        return changed == 1

    async def release(self, instance: str) -> None:
        await self.db.execute(
            "DELETE FROM sender_lease WHERE name = ? AND instance = ?", (NAME, instance)
        )

    async def break_lease(self) -> Holder | None:
        """`mujaz takeover`: whoever holds it loses it at their next heartbeat."""
        current = await self.holder()
        await self.db.execute("DELETE FROM sender_lease WHERE name = ?", (NAME,))
        return current
