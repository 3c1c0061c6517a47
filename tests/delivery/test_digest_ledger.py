"""How a digest's ledger row ends: each way sending can end gives one final status, and only
a digest that went out (or had nothing new) moves the chat's "newer than" mark."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.core.compose import Composed
from bot.delivery.digest_ledger import (
    NOTHING_NEW,
    STOPPED,
    Closing,
    DigestOutcome,
    Ending,
    PeriodRow,
    closing,
)
from bot.models import DeliveryStatus, DigestKind
from storage.backend import Backend
from storage.chats import ChatRepository
from storage.deliveries import DeliveryRepository
from storage.digest_queue import DigestQueueRepository, NewRow
from tests.backends import TestDatabase

CHAT = 5001
NOW = datetime(2026, 11, 30, 5, 0, tzinfo=UTC)
MARK, NEWEST = 10, 40  # the chat's mark before the digest, and the end of its window

SENT = DigestOutcome(Ending.SENT, messages=2)
FAILED = DigestOutcome(Ending.FAILED, messages=1, error="Bad Request: can't parse entities")
BLOCKED = DigestOutcome(Ending.BLOCKED, error="Forbidden: bot was blocked by the user")
TIMED_OUT = DigestOutcome(Ending.UNCERTAIN, error="timed out")

# outcome, messages in the digest -> final status, mark advanced, chat deactivated
TABLE = [
    (SENT, 2, DeliveryStatus.SENT, True, False),
    (NOTHING_NEW, 0, DeliveryStatus.EMPTY, True, False),
    (FAILED, 2, DeliveryStatus.FAILED, False, False),
    (TIMED_OUT, 2, DeliveryStatus.UNCERTAIN, False, False),
    (BLOCKED, 2, DeliveryStatus.BLOCKED, False, True),
    (STOPPED, 1, DeliveryStatus.PENDING, False, False),  # never left: sent after restart
    (STOPPED, 2, DeliveryStatus.UNCERTAIN, False, False),  # may be half sent: not resent
]


@pytest.mark.parametrize(("outcome", "messages", "status", "advanced", "deactivated"), TABLE)
def test_each_outcome_closes_the_row_one_way(
    outcome: DigestOutcome,
    messages: int,
    status: DeliveryStatus,
    advanced: bool,
    deactivated: bool,
) -> None:
    assert closing(outcome, messages=messages) == Closing(status, advanced, deactivated)


@pytest.mark.parametrize("outcome", [SENT, NOTHING_NEW])
def test_digest_more_never_moves_the_mark(outcome: DigestOutcome) -> None:
    assert not closing(outcome, messages=2, advance=False).advance


def test_every_ending_has_a_rule() -> None:
    for ending in Ending:
        assert closing(DigestOutcome(ending), messages=2).status in DeliveryStatus


@pytest.fixture
async def db(database: TestDatabase) -> AsyncIterator[Backend]:
    db = await database.open(clock=lambda: NOW)
    await ChatRepository(db).ensure(CHAT, language="ar", timezone="Asia/Riyadh")
    await ChatRepository(db).update(CHAT, last_article_id=MARK)
    yield db
    await db.close()


@pytest.mark.parametrize(("outcome", "messages", "status", "advanced", "deactivated"), TABLE)
async def test_closing_a_row_stores_its_end_and_the_chats_mark(
    db: Backend,
    outcome: DigestOutcome,
    messages: int,
    status: DeliveryStatus,
    advanced: bool,
    deactivated: bool,
) -> None:
    chats, deliveries = ChatRepository(db), DeliveryRepository(db)
    delivery_id = await deliveries.claim(CHAT, DigestKind.SCHEDULED, "2026-11-30T08:00")
    assert delivery_id is not None
    composed = Composed(["<b>موجز</b>"] * messages, (MARK, NEWEST), [21, 22][:messages])
    row = PeriodRow(deliveries, chats, delivery_id, CHAT, composed)
    # A digest stopped back to pending never left; every other one with messages did.
    never_left = outcome.ending == Ending.STOPPED and status == DeliveryStatus.PENDING
    if messages and not never_left:
        await row.sending()
    await row.close(outcome)

    stored = await db.fetchone("SELECT * FROM deliveries WHERE id = ?", (delivery_id,))
    assert stored is not None
    assert (stored["status"], stored["messages"]) == (status, outcome.messages)
    assert stored["error"] == outcome.error
    chat = await chats.get(CHAT)
    assert chat is not None
    assert chat.last_article_id == (NEWEST if advanced else MARK)
    assert chat.active is not deactivated
    if status == DeliveryStatus.SENT:  # what /digest more starts from
        last = await deliveries.last_digest(CHAT)
        assert last is not None and last.window == (MARK, NEWEST) and last.sent == [21, 22]


async def test_a_sent_digest_more_leaves_the_mark_where_it_was(db: Backend) -> None:
    chats, deliveries = ChatRepository(db), DeliveryRepository(db)
    delivery_id = await deliveries.claim(CHAT, DigestKind.MORE, "2026-11-30T08:05:00Z")
    assert delivery_id is not None
    composed = Composed(["<b>المزيد</b>"], (MARK, NEWEST), [23])
    row = PeriodRow(deliveries, chats, delivery_id, CHAT, composed, advance=False)
    await row.sending()
    await row.close(DigestOutcome(Ending.SENT, messages=1))
    assert await deliveries.status(CHAT, DigestKind.MORE, "2026-11-30T08:05:00Z") == "sent"
    chat = await chats.get(CHAT)
    assert chat is not None and chat.last_article_id == MARK


@pytest.mark.parametrize(
    ("messages", "left", "status"),
    [
        (1, False, DeliveryStatus.PENDING),
        (3, False, DeliveryStatus.PENDING),  # still waiting in the outbox: nothing went out
        (3, True, DeliveryStatus.UNCERTAIN),  # its first message had left: maybe half sent
        (1, True, DeliveryStatus.UNCERTAIN),
    ],
)
def test_a_stopped_digest_is_pending_unless_it_had_begun_to_leave(
    messages: int, left: bool, status: DeliveryStatus
) -> None:
    assert closing(STOPPED, messages=messages, left=left).status == status


async def test_recovery_keeps_a_runs_queued_rows_and_releases_the_others(db: Backend) -> None:
    """After a stop, a scheduled run's queued rows wait for it to go on; a /digest row that
    never left is released; one that was leaving is uncertain."""
    deliveries, queue = DeliveryRepository(db), DigestQueueRepository(db)
    await ChatRepository(db).ensure(CHAT + 1, language="ar", timezone="Asia/Riyadh")
    await ChatRepository(db).ensure(CHAT + 2, language="ar", timezone="Asia/Riyadh")
    queued = NewRow(CHAT, "2026-11-30T08:00", NOW, turn=7, up_to=NEWEST, run_id=1)
    leaving = NewRow(CHAT + 1, "2026-11-30T08:00", NOW, turn=8, up_to=NEWEST, run_id=1)
    assert await queue.enqueue([queued, leaving]) == 2
    (first, second) = await queue.page(10)
    assert await queue.start_sending(second.id, paid=False)
    manual = await deliveries.claim(CHAT + 2, DigestKind.MANUAL, "2026-11-30T05:00:00Z")
    assert manual is not None

    assert await deliveries.recover() == (1, 1)
    assert [q.chat_id for q in await queue.page(10)] == [CHAT]  # still queued, in its turn
    assert await deliveries.status(CHAT + 1, DigestKind.SCHEDULED, "2026-11-30T08:00") == (
        "uncertain"
    )
    assert await deliveries.status(CHAT + 2, DigestKind.MANUAL, "2026-11-30T05:00:00Z") is None
    # A row withdrawn before it left (the reader moved their time) can no longer start.
    assert await queue.withdraw([first.id]) == 1
    assert not await queue.start_sending(first.id, paid=False)
