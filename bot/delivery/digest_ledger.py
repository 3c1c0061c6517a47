"""The digest ledger's state machine: a claimed period row is closed once, by how sending ended.

    pending ──sending()──► sending ──close()──► sent | failed | blocked | uncertain
       │                                   └──► pending   (stopped before a one-message
       └──────────────close()──► empty                      digest left: sent after restart)

`closing` is the whole rule as plain values; `PeriodRow.close` applies it to storage,
so no other code writes a digest row's final status.
"""

from __future__ import annotations

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


NOTHING_NEW = DigestOutcome(Ending.EMPTY)
STOPPED = DigestOutcome(Ending.STOPPED)


@dataclass(frozen=True)
class Closing:
    """What closing a row does: its final status, and what happens to the chat."""

    status: DeliveryStatus
    advance: bool = False  # the chat's "newer than" mark moves to the end of the window
    deactivate: bool = False  # the chat gets nothing more until it comes back (/start)


def closing(outcome: DigestOutcome, *, messages: int, advance: bool = True) -> Closing:
    """The row's end for an outcome of a digest of `messages` messages.

    `advance` is False for "/digest more", which never moves the mark. A digest stopped
    by shutdown before it left goes back to pending when it is one message (it never
    went out; the next start sends it); a longer one may be half sent, so it is uncertain
    and not resent — a reader would rather miss a digest than get one twice.
    """
    match outcome.ending:
        case Ending.SENT:
            return Closing(DeliveryStatus.SENT, advance=advance)
        case Ending.EMPTY:
            return Closing(DeliveryStatus.EMPTY, advance=advance)
        case Ending.STOPPED:
            return Closing(DeliveryStatus.PENDING if messages == 1 else DeliveryStatus.UNCERTAIN)
        case Ending.BLOCKED:
            return Closing(DeliveryStatus.BLOCKED, deactivate=True)
        case Ending.FAILED:
            return Closing(DeliveryStatus.FAILED)
        case Ending.UNCERTAIN:
            return Closing(DeliveryStatus.UNCERTAIN)


@dataclass(frozen=True)
class PeriodRow:
    """One claimed ledger row of a digest period, with the digest composed for it."""

    deliveries: DeliveryRepository
    chats: ChatRepository
    id: int
    chat_id: int
    composed: Composed
    advance: bool = True

    async def sending(self) -> None:
        """Just before the first message leaves: from here a hard kill leaves it uncertain."""
        await self.deliveries.mark(self.id, DeliveryStatus.SENDING)

    async def close(self, outcome: DigestOutcome) -> Closing:
        closed = closing(outcome, messages=len(self.composed.messages), advance=self.advance)
        window = self.composed.window
        if closed.status == DeliveryStatus.SENT:  # the row and the mark in one transaction
            await self.deliveries.finish(
                self.id,
                chat_id=self.chat_id,
                messages=outcome.messages,
                window=window,
                stories=self.composed.story_ids,
                advance=closed.advance,
            )
            return closed
        await self.deliveries.mark(
            self.id, closed.status, messages=outcome.messages, error=outcome.error
        )
        if closed.advance:
            await self.chats.update(self.chat_id, last_article_id=window[1])
        if closed.deactivate:
            await self.chats.update(self.chat_id, active=False)
        return closed
