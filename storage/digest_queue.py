"""The scheduled digest queue: ledger rows claimed as their time comes, read a page at a time.

A scheduled row is claimed ('pending') with the moment it fell due, its turn among the
rows due that minute and the newest article at the claim (its window's end). The
pending rows are the run's queue: read in the order they fell due, a page at a time, and
kept across a restart (they never left). Nothing here decides who is due; the planner
(bot/delivery/digest_plan.py) does, and this only reads and writes what it decided.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.models import Chat, DeliveryStatus, DigestKind, Schedule
from storage.backend import Backend, Transaction
from storage.chats import _chat, _schedule
from storage.db import from_db_time, to_db_time

_SCHEDULED = DigestKind.SCHEDULED.value


@dataclass(frozen=True)
class ScheduleGroup:
    """Active, unpaused chats that share one schedule and zone: due together."""

    timezone: str
    digest_times: str
    days: str
    quiet_start: str | None
    quiet_end: str | None
    chats: int

    @property
    def schedule(self) -> Schedule:
        return _schedule(self.digest_times, self.days, self.quiet_start, self.quiet_end)

    def params(self) -> tuple[Any, ...]:
        return (self.timezone, self.digest_times, self.days, self.quiet_start, self.quiet_end)


@dataclass(frozen=True)
class NewRow:
    chat_id: int
    period: str
    due_at: datetime
    turn: int
    up_to: int
    run_id: int


@dataclass(frozen=True)
class HeldRow:
    """A scheduled row a chat already holds: pending in the queue, or of the current run."""

    id: int
    chat_id: int
    period: str
    status: str
    run_id: int | None
    due_at: datetime | None


@dataclass(frozen=True)
class Queued:
    """A pending row at the head of the queue, with its chat as it is now (None: gone)."""

    id: int
    chat_id: int
    chat: Chat | None
    period: str
    due_at: datetime
    up_to: int
    turn: int

    @property
    def position(self) -> tuple[str, int, int, int]:
        """Where it stands in the queue: pages go on after the last one read."""
        return (to_db_time(self.due_at), self.up_to, self.turn, self.id)


class DigestQueueRepository:
    def __init__(self, db: Backend) -> None:
        self.db = db

    async def schedule_groups(self) -> list[ScheduleGroup]:
        """Every schedule some active, unpaused chat has, with how many have it."""
        rows = await self.db.fetchall(
            "SELECT timezone, digest_times, days, quiet_start, quiet_end, COUNT(*) FROM users"
            " WHERE active = 1 AND paused = 0 GROUP BY 1, 2, 3, 4, 5"
        )
        return [ScheduleGroup(*row) for row in rows]

    async def unclaimed(
        self, group: ScheduleGroup, period: str, *, after: int | None, limit: int
    ) -> tuple[list[Chat], int | None]:
        """Up to `limit` chats of the group after chat id `after`, those that read something
        and hold no row for `period`; and where to go on (None: the group is done).

        Each call reads a bounded slice, so no one query holds the database for long.
        """
        same = self.db.dialect.same_as_param
        rows = await self.db.fetchall(
            "SELECT u.*, EXISTS (SELECT 1 FROM deliveries d WHERE d.chat_id = u.chat_id"
            "   AND d.kind = ? AND d.period = ?) AS claimed,"
            " (EXISTS (SELECT 1 FROM subscriptions s WHERE s.chat_id = u.chat_id)"
            "   OR EXISTS (SELECT 1 FROM follows f WHERE f.chat_id = u.chat_id)) AS reads"
            " FROM users u WHERE u.timezone = ? AND u.digest_times = ? AND u.days = ?"
            f" AND {same('u.quiet_start')} AND {same('u.quiet_end')}"
            " AND u.active = 1 AND u.paused = 0"
            " AND u.chat_id NOT IN (SELECT chat_id FROM unserved_chats)"  # ALLOWED_CHATS
            " AND u.chat_id > ? ORDER BY u.chat_id LIMIT ?",
            (_SCHEDULED, period, *group.params(), after if after is not None else -(2**63), limit),
        )
        chats = [_chat(r) for r in rows if r["reads"] and not r["claimed"]]
        going_on = rows[-1]["chat_id"] if len(rows) == limit else None
        return chats, going_on

    async def held(self, chat_ids: Sequence[int], run_id: int) -> list[HeldRow]:
        """The chats' scheduled rows still pending (from any run) or claimed by this run."""
        rows = await self.db.fetch_in(
            "SELECT id, chat_id, period, status, run_id, due_at FROM deliveries"
            " WHERE kind = ? AND (status = 'pending' OR run_id = ?) AND chat_id IN ({})",
            chat_ids,
            before=(_SCHEDULED, run_id),
        )
        return [
            HeldRow(
                r["id"],
                r["chat_id"],
                r["period"],
                r["status"],
                r["run_id"],
                from_db_time(r["due_at"]) if r["due_at"] else None,
            )
            for r in rows
        ]

    async def enqueue(self, rows: Sequence[NewRow], *, withdraw: Collection[int] = ()) -> int:
        """Claim the rows (a chat already holding its period is left out) and withdraw the
        pending rows they replace, in one transaction; returns how many were claimed."""
        now = self.db.now()
        async with self.db.transaction() as tx:
            if withdraw:
                await _withdraw(tx, withdraw)
            return await tx.executemany(
                "INSERT INTO deliveries (chat_id, kind, period, created_at, updated_at,"
                " due_at, turn, up_to, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                [
                    (r.chat_id, _SCHEDULED, r.period, now, now, to_db_time(r.due_at), r.turn,
                     r.up_to, r.run_id)
                    for r in rows
                ],
            )  # fmt: skip

    async def page(
        self, limit: int, *, exclude: Collection[int] = (), after: tuple[Any, ...] | None = None
    ) -> list[Queued]:
        """The head of the queue: pending rows in the order they fell due, then by turn.

        `exclude`: rows already handed to delivery and not yet closed; `after`: a
        `Queued.position` to go on from (a reader that closes nothing, such as the bench).
        """
        where, params = "", [_SCHEDULED]
        if after is not None:
            where = " AND (d.due_at, d.up_to, d.turn, d.id) > (?, ?, ?, ?)"
            params.extend(after)
        rows = await self.db.fetchall(
            "SELECT d.id AS row_id, d.chat_id AS row_chat, d.period, d.due_at, d.up_to, d.turn,"
            " u.* FROM deliveries d LEFT JOIN users u ON u.chat_id = d.chat_id"
            "   AND u.chat_id NOT IN (SELECT chat_id FROM unserved_chats)"  # ALLOWED_CHATS
            " WHERE d.kind = ? AND d.status = 'pending' AND d.due_at IS NOT NULL" + where + ""
            " ORDER BY d.due_at, d.up_to, d.turn, d.id LIMIT ?",
            (*params, limit + len(exclude)),
        )
        found = [
            Queued(
                r["row_id"],
                r["row_chat"],
                _chat(r) if r["chat_id"] is not None else None,
                r["period"],
                from_db_time(r["due_at"]),
                r["up_to"] or 0,
                r["turn"] or 0,
            )
            for r in rows
            if r["row_id"] not in exclude
        ]
        return found[:limit]

    async def withdraw(self, ids: Collection[int]) -> int:
        """Drop rows that never left (the chat changed, paused or went): as if never claimed."""
        if not ids:
            return 0
        async with self.db.transaction() as tx:
            return await _withdraw(tx, ids)

    async def start_sending(self, delivery_id: int, *, paid: bool) -> bool:
        """Mark the row 'sending' as its first message leaves; False if it was withdrawn."""
        changed = await self.db.execute(
            "UPDATE deliveries SET status = 'sending', left_at = ?, updated_at = ?,"
            " paid = ? WHERE id = ? AND status = 'pending'",
            (self.db.now(), self.db.now(), int(paid), delivery_id),
        )
        return changed == 1

    async def lateness(self, run_id: int) -> list[tuple[int, int]]:
        """(whole seconds after the chosen time, digests) for what the run has sent."""
        seconds = self.db.dialect.epoch_seconds
        rows = await self.db.fetchall(
            f"SELECT {seconds('left_at')} - {seconds('due_at')},"
            " COUNT(*) FROM deliveries WHERE run_id = ? AND left_at IS NOT NULL"
            " AND due_at IS NOT NULL GROUP BY 1",
            (run_id,),
        )
        return [(int(r[0]), int(r[1])) for r in rows]


async def _withdraw(tx: Transaction, ids: Collection[int]) -> int:
    changed = 0
    values = list(ids)
    for start in range(0, len(values), 900):
        chunk = values[start : start + 900]
        result = await tx.execute(
            f"DELETE FROM deliveries WHERE status = '{DeliveryStatus.PENDING}'"
            f" AND id IN ({','.join('?' * len(chunk))})",
            chunk,
        )
        changed += result.rowcount
    return changed
