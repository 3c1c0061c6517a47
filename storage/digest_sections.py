"""A digest sent in sections, one per forum thread: each section's progress in the ledger.

pending ──sending──► sent | failed; a section still `sending` at a hard kill may have
reached Telegram: it becomes `uncertain` and is not resent. The ledger row of such a
digest stays open while sections remain (see bot/delivery/digest_threads.py).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from storage.backend import Backend


@dataclass(frozen=True)
class StoredSection:
    seq: int
    topic_id: str | None
    messages: list[str]


@dataclass(frozen=True)
class Resumable:
    """An open digest whose remaining sections a restart sends."""

    delivery_id: int
    chat_id: int
    kind: str
    window: tuple[int, int]
    stories: list[int]
    sent_messages: int


class SectionRepository:
    def __init__(self, db: Backend) -> None:
        self.db = db

    async def store(
        self,
        delivery_id: int,
        sections: Sequence[tuple[str | None, Sequence[str]]],
        *,
        window: tuple[int, int],
        stories: list[int],
    ) -> None:
        """The sections of a digest about to be sent, and what it covers, in one transaction."""
        async with self.db.transaction() as tx:
            await tx.executemany(
                "INSERT INTO digest_sections (delivery_id, seq, topic_id, messages)"
                " VALUES (?, ?, ?, ?)",
                [
                    (delivery_id, seq, topic, json.dumps(list(messages), ensure_ascii=False))
                    for seq, (topic, messages) in enumerate(sections)
                ],
            )
            await tx.execute(
                "UPDATE deliveries SET window_from = ?, window_to = ?, stories = ? WHERE id = ?",
                (window[0], window[1], json.dumps(stories), delivery_id),
            )

    async def mark(self, delivery_id: int, seq: int, status: str) -> None:
        await self.db.execute(
            "UPDATE digest_sections SET status = ? WHERE delivery_id = ? AND seq = ?",
            (status, delivery_id, seq),
        )

    async def abandon(self, delivery_id: int) -> None:
        """The digest ended without them (the chat is gone, Telegram refused): never sent."""
        await self.db.execute(
            "UPDATE digest_sections SET status = 'failed'"
            " WHERE delivery_id = ? AND status = 'pending'",
            (delivery_id,),
        )

    async def remaining(self, delivery_id: int) -> list[StoredSection]:
        rows = await self.db.fetchall(
            "SELECT seq, topic_id, messages FROM digest_sections"
            " WHERE delivery_id = ? AND status = 'pending' ORDER BY seq",
            (delivery_id,),
        )
        return [StoredSection(r["seq"], r["topic_id"], json.loads(r["messages"])) for r in rows]

    async def recover(self) -> list[Resumable]:
        """At start, before the ledger's own recovery: sections in flight at the kill become
        uncertain; digests with sections still to send, or with all sent and the row not
        yet closed, stay open (their row `uncertain`, which the ledger's recovery leaves
        alone) and are returned, to be finished."""
        length = self.db.dialect.json_array_length("s.messages")
        async with self.db.transaction() as tx:
            await tx.execute(
                "UPDATE digest_sections SET status = 'uncertain' WHERE status = 'sending'"
            )
            async with tx.execute(
                "SELECT d.id, d.chat_id, d.kind, d.window_from, d.window_to, d.stories,"
                f" (SELECT COALESCE(SUM({length}), 0) FROM digest_sections s"
                "   WHERE s.delivery_id = d.id AND s.status = 'sent') AS sent"
                " FROM deliveries d WHERE (d.status IN ('sending', 'uncertain') AND EXISTS"
                " (SELECT 1 FROM digest_sections s WHERE s.delivery_id = d.id"
                "  AND s.status = 'pending'))"
                # every section sent, the row not yet closed: only the closing is left
                " OR (d.status = 'sending' AND EXISTS (SELECT 1 FROM digest_sections s"
                "  WHERE s.delivery_id = d.id) AND NOT EXISTS (SELECT 1 FROM digest_sections s"
                "  WHERE s.delivery_id = d.id AND s.status != 'sent')) ORDER BY d.id"
            ) as cursor:
                rows = list(await cursor.fetchall())
            await tx.executemany(
                "UPDATE deliveries SET status = 'uncertain' WHERE id = ?",
                [(r["id"],) for r in rows],
            )
        return [
            Resumable(
                r["id"],
                r["chat_id"],
                r["kind"],
                (r["window_from"] or 0, r["window_to"] or 0),
                json.loads(r["stories"] or "[]"),
                int(r["sent"]),
            )
            for r in rows
        ]
