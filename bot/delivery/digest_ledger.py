"""The digest ledger's state machine: a claimed period row is closed once, by how sending ended.

    pending ──sending()──► sending ──close()──► sent | failed | blocked | uncertain
       │                                   └──► pending   (stopped before a one-message
       └──────────────close()──► empty                      digest left: sent after restart)

`closing` is the whole rule as plain values; `PeriodRow.close` applies it to storage,
so no other code writes a digest row's final status.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum

from bot.core.compose import Composed
from bot.models import DeliveryStatus
from storage.chats import ChatRepository
from storage.deliveries import DeliveryRepository


class Ending(StrEnum):
    """How an attempt at one digest ended: the sender's answers, and two of the digest's own."""

    EMPTY = "empty"  # nothing new: nothing was sent
    SENT = "sent"
    FAILED = "failed"
    BLOCKED = "blocked"  # the chat is gone: never retried
    UNCERTAIN = "uncertain"  # a message timed out: it may have arrived
    STOPPED = "stopped"  # shutdown stopped the outbox while the digest waited in it


@dataclass(frozen=True)
class DigestOutcome:
    ending: Ending
    messages: int = 0  # messages that left
    error: str | None = None


class Withdrawn(Exception):
    """The row was withdrawn before its digest left (the reader changed their time, paused
    or left): nothing is sent and the row is gone, as if never claimed."""


NOTHING_NEW = DigestOutcome(Ending.EMPTY)
STOPPED = DigestOutcome(Ending.STOPPED)


@dataclass(frozen=True)
class Closing:
    """What closing a row does: its final status, and what happens to the chat."""

    status: DeliveryStatus
    advance: bool = False  # the chat's "newer than" mark moves to the end of the window
    deactivate: bool = False  # the chat gets nothing more until it comes back (/start)


def closing(
    outcome: DigestOutcome, *, messages: int, advance: bool = True, left: bool | None = None
) -> Closing:
    """The row's end for an outcome of a digest of `messages` messages.

    `advance` is False for "/digest more", which never moves the mark. A digest stopped
    by shutdown before its first message left (`left` False) goes back to pending: the
    next start sends it. One stopped after that may be half sent, so it is uncertain and
    not resent — a reader would rather miss a digest than get one twice. When whether it
    left is not known (`left` None), a one-message digest counts as never sent.
    """
    match outcome.ending:
        case Ending.SENT:
            return Closing(DeliveryStatus.SENT, advance=advance)
        case Ending.EMPTY:
            return Closing(DeliveryStatus.EMPTY, advance=advance)
        case Ending.STOPPED:
            never_left = not left if left is not None else messages == 1
            return Closing(DeliveryStatus.PENDING if never_left else DeliveryStatus.UNCERTAIN)
        case Ending.BLOCKED:
            return Closing(DeliveryStatus.BLOCKED, deactivate=True)
        case Ending.FAILED:
            return Closing(DeliveryStatus.FAILED)
        case Ending.UNCERTAIN:
            return Closing(DeliveryStatus.UNCERTAIN)


@dataclass
class PeriodRow:
    """One claimed ledger row of a digest period, with the digest composed for it."""

    deliveries: DeliveryRepository
    chats: ChatRepository
    id: int
    chat_id: int
    composed: Composed
    advance: bool = True
    # Marks the row 'sending' itself (a queued row: it checks the reader still wants it
    # and raises Withdrawn when not); None marks it plainly.
    leave: Callable[[], Awaitable[None]] | None = None
    paid: bool = False  # its messages go with allow_paid_broadcast

    left: bool = False  # the first message has left (sending() ran)

    async def sending(self) -> None:
        """As the first message leaves: from here a hard kill leaves it uncertain."""
        if self.leave is not None:
            await self.leave()
        else:
            await self.deliveries.mark(self.id, DeliveryStatus.SENDING)
        self.left = True

    async def close(self, outcome: DigestOutcome) -> Closing:
        closed = closing(
            outcome, messages=len(self.composed.messages), advance=self.advance, left=self.left
        )
        window = self.composed.window
        if closed.status == DeliveryStatus.SENT:  # the row and the mark in one transaction
            await self.deliveries.finish(
                self.id,
                chat_id=self.chat_id,
                messages=outcome.messages,
                window=window,
                stories=self.composed.story_ids,
                advance=closed.advance,
                paid=self.paid,
            )
            return closed
        await self.deliveries.mark(
            self.id,
            closed.status,
            messages=outcome.messages,
            error=outcome.error,
            paid=self.paid and self.left,
        )
        if closed.advance:
            await self.chats.update(self.chat_id, last_article_id=window[1])
        if closed.deactivate:
            await self.chats.update(self.chat_id, active=False)
        return closed
