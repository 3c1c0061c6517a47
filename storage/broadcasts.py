"""Broadcasts: the job an admin started, and its ledger, one row per recipient.

A broadcast is a draft until the admin presses Send; then, in one transaction, it
becomes running and every recipient gets a 'pending' row. Sending marks a row
'sending' just before its request leaves and closes it as sent/failed/blocked. At
start, rows a hard kill left in 'sending' become 'uncertain' (not resent) and every
running broadcast goes on with its pending rows: nobody twice, nobody skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.core.secrets import redact
from bot.models import DeliveryStatus
from storage.backend import Backend
from storage.db import from_db_time


@dataclass(frozen=True)
class Broadcast:
    id: int
    created_by: int
    admin_chat_id: int
    language: str
    text: str | None
    from_chat_id: int | None
    message_id: int | None
    topic_id: str | None
    paid: bool
    status: str
    status_message_id: int | None
    started_at: str | None
    finished_at: str | None

    def seconds_running(self, now: datetime) -> float:
        if self.started_at is None:
            return 0.0
        return (now - from_db_time(self.started_at)).total_seconds()


@dataclass(frozen=True)
class Result:
    chat_id: int
    status: str
    error: str | None = None


class BroadcastRepository:
    def __init__(self, db: Backend) -> None:
        self.db = db

    async def create(
        self,
        *,
        created_by: int,
        admin_chat_id: int,
        language: str,
        text: str | None = None,
        from_chat_id: int | None = None,
        message_id: int | None = None,
        topic_id: str | None = None,
        paid: bool = False,
    ) -> Broadcast:
        async with self.db.transaction() as tx, tx.execute(
            "INSERT INTO broadcasts (created_by, admin_chat_id, language, text, from_chat_id,"
            " message_id, topic_id, paid, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " RETURNING id",
            (created_by, admin_chat_id, language, text, from_chat_id, message_id, topic_id,
             int(paid), self.db.now()),
        ) as inserted:  # fmt: skip
            row = await inserted.fetchone()
        assert row is not None
        found = await self.get(int(row[0]))
        assert found is not None
        return found

    async def get(self, broadcast_id: int) -> Broadcast | None:
        row = await self.db.fetchone("SELECT * FROM broadcasts WHERE id = ?", (broadcast_id,))
        return _broadcast(row) if row else None

    async def audience(self, topic_id: str | None) -> int:
        """How many chats a broadcast to `topic_id` (None: everyone) would reach now."""
        sql, params = _audience_sql(topic_id)
        row = await self.db.fetchone(f"SELECT COUNT(*) FROM ({sql}) AS audience", params)
        return int(row[0]) if row else 0

    async def start(self, broadcast_id: int, status_message_id: int | None) -> int | None:
        """Draft to running, with a pending row per recipient; None if it was no draft."""
        now = self.db.now()
        async with self.db.transaction() as tx:
            async with tx.execute(
                "UPDATE broadcasts SET status = 'running', started_at = ?, status_message_id = ?"
                " WHERE id = ? AND status = 'draft' RETURNING topic_id",
                (now, status_message_id, broadcast_id),
            ) as started:
                row = await started.fetchone()
            if row is None:
                return None
            sql, params = _audience_sql(row[0])
            inserted = await tx.execute(
                "INSERT INTO broadcast_recipients (broadcast_id, chat_id, updated_at)"
                f" SELECT ?, chat_id, ? FROM ({sql}) AS audience",
                (broadcast_id, now, *params),
            )
            return inserted.rowcount

    async def discard(self, broadcast_id: int) -> bool:
        return (
            await self.db.execute(
                "UPDATE broadcasts SET status = 'discarded', finished_at = ?"
                " WHERE id = ? AND status = 'draft'",
                (self.db.now(), broadcast_id),
            )
            == 1
        )

    async def cancel(self, broadcast_id: int) -> bool:
        """Running to cancelled; what is still pending will be skipped."""
        return (
            await self.db.execute(
                "UPDATE broadcasts SET status = 'cancelled' WHERE id = ? AND status = 'running'",
                (broadcast_id,),
            )
            == 1
        )

    async def running(self) -> list[Broadcast]:
        rows = await self.db.fetchall(
            "SELECT * FROM broadcasts WHERE status = 'running' ORDER BY id"
        )
        return [_broadcast(r) for r in rows]

    async def unfinished(self) -> list[Broadcast]:
        """Broadcasts to resume at start: running, or cancelled without their final report."""
        rows = await self.db.fetchall(
            "SELECT * FROM broadcasts WHERE status = 'running'"
            " OR (status = 'cancelled' AND finished_at IS NULL) ORDER BY id"
        )
        return [_broadcast(r) for r in rows]

    async def pending(
        self, broadcast_id: int, *, after: int | None, limit: int
    ) -> list[tuple[int, int | None]]:
        """The next pending recipients in chat id order, after chat `after`, each with the
        forum thread its chat chose with /here (None: the chat's main thread)."""
        rows = await self.db.fetchall(
            "SELECT r.chat_id, c.thread_id FROM broadcast_recipients AS r"
            " LEFT JOIN users AS c ON c.chat_id = r.chat_id"
            " WHERE r.broadcast_id = ? AND r.status = 'pending'"
            " AND r.chat_id > ? ORDER BY r.chat_id LIMIT ?",
            (broadcast_id, after if after is not None else -(2**63), limit),
        )
        return [(r[0], r[1]) for r in rows]

    async def apply(
        self, broadcast_id: int, *, sending: Sequence[int], results: Sequence[Result]
    ) -> None:
        """Mark rows 'sending' and close others, in one transaction (a group commit).

        A chat that turned out blocked or gone is made inactive in the same
        transaction, so its digests stop with the ledger saying why.
        """
        now = self.db.now()
        async with self.db.transaction() as tx:
            if sending:
                await tx.executemany(
                    "UPDATE broadcast_recipients SET status = 'sending', updated_at = ?"
                    " WHERE broadcast_id = ? AND chat_id = ? AND status = 'pending'",
                    [(now, broadcast_id, chat_id) for chat_id in sending],
                )
            if results:
                await tx.executemany(
                    "UPDATE broadcast_recipients SET status = ?, error = ?, updated_at = ?"
                    " WHERE broadcast_id = ? AND chat_id = ?",
                    [
                        (r.status, redact(r.error or "") or None, now, broadcast_id, r.chat_id)
                        for r in results
                    ],
                )
                blocked = [(now, r.chat_id) for r in results if r.status == DeliveryStatus.BLOCKED]
                if blocked:
                    await tx.executemany(
                        "UPDATE users SET active = 0, updated_at = ? WHERE chat_id = ?", blocked
                    )

    async def skip_pending(self, broadcast_id: int) -> int:
        return await self.db.execute(
            "UPDATE broadcast_recipients SET status = 'skipped', updated_at = ?"
            " WHERE broadcast_id = ? AND status = 'pending'",
            (self.db.now(), broadcast_id),
        )

    async def finish(self, broadcast_id: int) -> None:
        """Close the job once its final report is out."""
        await self.db.execute(
            "UPDATE broadcasts SET status = CASE status WHEN 'running' THEN 'done' ELSE status END,"
            " finished_at = ? WHERE id = ?",
            (self.db.now(), broadcast_id),
        )

    async def counts(self, broadcast_id: int) -> dict[str, int]:
        rows = await self.db.fetchall(
            "SELECT status, COUNT(*) AS n FROM broadcast_recipients WHERE broadcast_id = ?"
            " GROUP BY status",
            (broadcast_id,),
        )
        return {r["status"]: r["n"] for r in rows}

    async def statuses(self, broadcast_id: int) -> dict[int, str]:
        """Every recipient's row, for tests and audits."""
        rows = await self.db.fetchall(
            "SELECT chat_id, status FROM broadcast_recipients WHERE broadcast_id = ?",
            (broadcast_id,),
        )
        return {r["chat_id"]: r["status"] for r in rows}

    async def recover(self) -> int:
        """At start: rows a hard kill left 'sending' may have arrived; they become uncertain."""
        return await self.db.execute(
            "UPDATE broadcast_recipients SET status = 'uncertain', updated_at = ?"
            " WHERE status = 'sending'",
            (self.db.now(),),
        )

    async def move_chat(self, old: int, new: int) -> None:
        """A group became a supergroup: its pending rows follow it (not into a broadcast
        that already has a row for the supergroup: that row stands)."""
        await self.db.execute(
            "UPDATE broadcast_recipients SET chat_id = ? WHERE chat_id = ?"
            " AND status = 'pending' AND NOT EXISTS (SELECT 1 FROM broadcast_recipients AS n"
            "  WHERE n.broadcast_id = broadcast_recipients.broadcast_id AND n.chat_id = ?)",
            (new, old, new),
        )

    async def delivered(self) -> dict[str, int]:
        """For /stats: broadcasts finished, and copies sent over all of them."""
        row = await self.db.fetchone(
            "SELECT (SELECT COUNT(*) FROM broadcasts WHERE status IN ('done', 'cancelled')),"
            " (SELECT COUNT(*) FROM broadcast_recipients WHERE status = 'sent')"
        )
        return {"broadcasts": int(row[0]), "copies": int(row[1])} if row else {}


def _audience_sql(topic_id: str | None) -> tuple[str, tuple[object, ...]]:
    """Active chats (paused ones too: a pause stops digests, not announcements) that a
    private instance serves (ALLOWED_CHATS)."""
    served = "chat_id NOT IN (SELECT chat_id FROM unserved_chats)"
    if topic_id is None:
        return f"SELECT chat_id FROM users WHERE active = 1 AND {served}", ()
    return (
        "SELECT u.chat_id FROM users u JOIN subscriptions s ON s.chat_id = u.chat_id"
        f" WHERE u.active = 1 AND s.topic_id = ? AND u.{served}",
        (topic_id,),
    )


def _broadcast(row: Any) -> Broadcast:
    return Broadcast(
        id=row["id"],
        created_by=row["created_by"],
        admin_chat_id=row["admin_chat_id"],
        language=row["language"],
        text=row["text"],
        from_chat_id=row["from_chat_id"],
        message_id=row["message_id"],
        topic_id=row["topic_id"],
        paid=bool(row["paid"]),
        status=row["status"],
        status_message_id=row["status_message_id"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
    )
