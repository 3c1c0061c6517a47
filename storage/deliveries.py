"""The delivery ledger: one row per recipient and period, so nothing is sent twice.

A row is claimed (pending) before anything is rendered, marked sending just
before the first message leaves, and closed as sent/empty/failed/blocked.
After a hard kill, rows still 'sending' are the uncertain ones: the message
may or may not have reached Telegram. They are marked 'uncertain' at start and
not resent — a reader would rather miss one digest than get it twice.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot.core.secrets import redact
from bot.models import DigestKind
from storage.backend import Backend


@dataclass(frozen=True)
class LastDigest:
    """What the chat's last digest covered, and every story already sent from that window."""

    window: tuple[int, int]
    sent: list[int]


class DeliveryRepository:
    def __init__(self, db: Backend) -> None:
        self.db = db

    async def claim(self, chat_id: int, kind: DigestKind, period: str) -> int | None:
        """The new ledger row's id, or None when this recipient already has one for the period."""
        now = self.db.now()
        async with (
            self.db.transaction() as tx,
            tx.execute(
                "INSERT INTO deliveries (chat_id, kind, period, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
                (chat_id, kind, period, now, now),
            ) as inserted,
        ):
            row = await inserted.fetchone()
        return int(row[0]) if row else None

    async def mark(
        self,
        delivery_id: int,
        status: str,
        *,
        messages: int = 0,
        error: str | None = None,
        paid: bool = False,
    ) -> None:
        """`paid`: the messages that left went with allow_paid_broadcast."""
        await self.db.execute(
            "UPDATE deliveries SET status = ?, messages = ?, error = ?, updated_at = ?,"
            " paid = ? WHERE id = ?",
            (
                status,
                messages,
                redact(error) if error else None,
                self.db.now(),
                messages if paid else 0,
                delivery_id,
            ),
        )

    async def finish(
        self,
        delivery_id: int,
        *,
        chat_id: int,
        messages: int,
        window: tuple[int, int],
        stories: list[int],
        advance: bool = True,
        paid: bool = False,
    ) -> None:
        """Close a digest as sent and, with `advance`, move the chat's mark, in one transaction."""
        now = self.db.now()
        async with self.db.transaction() as tx:
            await tx.execute(
                "UPDATE deliveries SET status = 'sent', messages = ?, window_from = ?,"
                " window_to = ?, stories = ?, updated_at = ?, paid = ? WHERE id = ?",
                (
                    messages,
                    window[0],
                    window[1],
                    json.dumps(stories),
                    now,
                    messages if paid else 0,
                    delivery_id,
                ),
            )
            if advance:
                newest = self.db.dialect.greatest("COALESCE(last_article_id, 0)", "?")
                await tx.execute(
                    f"UPDATE users SET last_article_id = {newest},"
                    " updated_at = ? WHERE chat_id = ?",
                    (window[1], now, chat_id),
                )

    async def last_digest(self, chat_id: int) -> LastDigest | None:
        """The last digest sent to the chat and the stories it and its "more" follow-ups sent."""
        rows = await self.db.fetchall(
            "SELECT kind, window_from, window_to, stories FROM deliveries"
            " WHERE chat_id = ? AND status = 'sent' AND kind IN (?, ?, ?) ORDER BY id DESC",
            (chat_id, *DigestKind),
        )
        sent: list[int] = []
        for row in rows:
            sent.extend(json.loads(row["stories"] or "[]"))
            if row["kind"] != DigestKind.MORE:
                return LastDigest((row["window_from"], row["window_to"]), sent)
        return None

    async def recover(self) -> tuple[int, int]:
        """At start, settle what a hard kill left: (uncertain, released).

        'sending' rows may have reached Telegram: they become 'uncertain' and are
        not resent. 'pending' rows sent nothing: a scheduled run's queued rows stay
        queued (the run goes on with them, in their turn); the others are released, so
        the next tick claims them again if their period is still due.
        """
        now = self.db.now()
        async with self.db.transaction() as tx:
            uncertain = await tx.execute(
                "UPDATE deliveries SET status = 'uncertain', updated_at = ?"
                " WHERE status = 'sending'",
                (now,),
            )
            released = await tx.execute(
                "DELETE FROM deliveries WHERE status = 'pending' AND due_at IS NULL"
            )
            return uncertain.rowcount, released.rowcount

    async def status(self, chat_id: int, kind: DigestKind, period: str) -> str | None:
        row = await self.db.fetchone(
            "SELECT status FROM deliveries WHERE chat_id = ? AND kind = ? AND period = ?",
            (chat_id, kind, period),
        )
        return str(row["status"]) if row else None
