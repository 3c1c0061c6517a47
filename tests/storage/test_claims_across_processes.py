"""Two processes on one database never claim the same digest period or send the same row
twice (issue 14, "exactly-once on PostgreSQL too"): the ledger's claims are unique-key
inserts and its state changes compare-and-set updates, which hold under PostgreSQL's
READ COMMITTED as under SQLite's single writer. Two connections stand for two processes."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.models import DigestKind
from storage.backend import Backend
from storage.chats import ChatRepository
from storage.deliveries import DeliveryRepository
from storage.digest_queue import DigestQueueRepository, NewRow
from tests.backends import TestDatabase

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
CHATS = range(1, 201)


async def two_processes(database: TestDatabase) -> tuple[Backend, Backend]:
    first = await database.open(clock=lambda: NOW)
    second = await database.open(clock=lambda: NOW)
    chats = ChatRepository(first)
    for chat in CHATS:
        await chats.ensure(chat, language="ar", timezone="UTC")
    return first, second


async def test_each_period_is_claimed_by_one_process_only(database: TestDatabase) -> None:
    first, second = await two_processes(database)
    try:

        async def claim_all(db: Backend) -> list[int]:
            deliveries = DeliveryRepository(db)
            won = []
            for chat in CHATS:
                if await deliveries.claim(chat, DigestKind.SCHEDULED, "2026-11-30T08:00"):
                    won.append(chat)
            return won

        mine, theirs = await asyncio.gather(claim_all(first), claim_all(second))
        assert sorted(mine + theirs) == list(CHATS)  # each once, none lost
        rows = await first.fetchone("SELECT COUNT(*) FROM deliveries")
        assert rows is not None and rows[0] == len(CHATS)
    finally:
        await first.close()
        await second.close()


async def test_a_queued_row_starts_sending_in_one_process_only(database: TestDatabase) -> None:
    first, second = await two_processes(database)
    try:
        rows = [
            NewRow(chat, "2026-11-30T08:00", NOW, turn=chat, up_to=9, run_id=1) for chat in CHATS
        ]
        claimed = await asyncio.gather(
            DigestQueueRepository(first).enqueue(rows), DigestQueueRepository(second).enqueue(rows)
        )
        assert sum(claimed) == len(CHATS)  # the second enqueue finds them claimed
        queued = await DigestQueueRepository(first).page(len(CHATS))

        async def start_all(db: Backend) -> set[int]:
            queue = DigestQueueRepository(db)
            return {q.id for q in queued if await queue.start_sending(q.id, paid=False)}

        mine, theirs = await asyncio.gather(start_all(first), start_all(second))
        assert not mine & theirs  # no row leaves twice
        assert mine | theirs == {q.id for q in queued}
    finally:
        await first.close()
        await second.close()
