"""A forum chat's digest in threads: each topic's section to its own thread, resumable.

The sections are stored with the ledger row before the first leaves
(storage/digest_sections.py), and each is marked as it goes: `sending` as its first
message leaves, `sent` when Telegram has them all. After a hard kill the row stays open;
at start the section in flight (if any) becomes uncertain and is not resent, and the
sections that had not left are sent (`resume`), then the row is closed as one digest.

A thread an admin deleted answers 400 "message thread not found": that section goes to
the chat's default thread instead (its /here thread, or the general one), and the topic's
thread is forgotten, so /threads auto makes a new one.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence

from telegram import Bot

from bot.core.compose import Composed
from bot.delivery.digest_ledger import STOPPED, DigestOutcome, Ending, PeriodRow, Withdrawn
from bot.delivery.lanes import Lane, OutboxStopped, sending_as
from bot.delivery.sender import MoveChat, Outcome, SendStatus, send_html
from bot.models import Chat, DeliveryStatus, DigestKind
from storage.chats import ChatRepository
from storage.deliveries import DeliveryRepository
from storage.digest_sections import Resumable, SectionRepository, StoredSection
from storage.threads import ThreadRepository

log = logging.getLogger(__name__)

THREAD_GONE = "message thread not found"


class ThreadedSender:
    def __init__(
        self,
        chats: ChatRepository,
        deliveries: DeliveryRepository,
        sections: SectionRepository,
        threads: ThreadRepository,
        *,
        move_chat: MoveChat | None = None,
    ) -> None:
        self.chats = chats
        self.deliveries = deliveries
        self.sections = sections
        self.threads = threads
        self.move_chat = move_chat

    async def deliver(
        self,
        bot: Bot,
        chat: Chat,
        delivery_id: int,
        composed: Composed,
        threads: Mapping[str, int],
        *,
        advance: bool = True,
        silent: bool = False,
        leave: Callable[[], Awaitable[None]] | None = None,
        paid: bool = False,
    ) -> Outcome | None:
        """Send the sections in order, each to its topic's thread, and close the row; None
        when `leave` (a queued row's check as the first message leaves) withdrew it.
        `silent` and `paid` are as for a digest in one piece (bot.delivery.digest_send)."""
        await self.sections.store(
            delivery_id, composed.sections, window=composed.window, stories=composed.story_ids
        )
        row = PeriodRow(
            self.deliveries,
            self.chats,
            delivery_id,
            chat.chat_id,
            composed,
            advance,
            leave=leave,
            paid=paid,
        )
        stored = [
            StoredSection(seq, topic, list(messages))
            for seq, (topic, messages) in enumerate(composed.sections)
        ]
        try:
            outcome = await self._send(
                bot, chat, delivery_id, stored, threads, row.sending, silent=silent, paid=paid
            )
        except Withdrawn:
            await self.sections.abandon(delivery_id)
            return None
        except OutboxStopped:
            if not row.left:  # nothing left: the row goes back to pending, made anew later
                await row.close(STOPPED)
            # Otherwise the row stays open: the next start sends what had not left.
            raise
        await row.close(DigestOutcome(Ending(outcome.status), outcome.messages, outcome.error))
        if outcome.status != SendStatus.SENT:
            await self.sections.abandon(delivery_id)
        return outcome

    async def resume(self, bot: Bot, open_digest: Resumable) -> Outcome:
        """Send what a killed bot had not sent of a digest, then close its row."""
        delivery_id = open_digest.delivery_id
        chat = await self.chats.get(open_digest.chat_id)
        remaining = await self.sections.remaining(delivery_id)
        if chat is None or not chat.active:
            await self.sections.abandon(delivery_id)
            await self.deliveries.mark(delivery_id, DeliveryStatus.FAILED, error="chat gone")
            return Outcome(SendStatus.FAILED, 0, "chat gone")
        threads = (await self.threads.of_many([chat.chat_id])).get(chat.chat_id, {})
        with sending_as(Lane.DIGEST):
            outcome = await self._send(bot, chat, delivery_id, remaining, threads, None)
        messages = open_digest.sent_messages + outcome.messages
        if outcome.status == SendStatus.SENT:
            await self.deliveries.finish(
                delivery_id,
                chat_id=chat.chat_id,
                messages=messages,
                window=open_digest.window,
                stories=open_digest.stories,
                advance=open_digest.kind != DigestKind.MORE,
            )
        else:
            await self.sections.abandon(delivery_id)
            await self.deliveries.mark(
                delivery_id, outcome.status, messages=messages, error=outcome.error
            )
            if outcome.status == SendStatus.BLOCKED:
                await self.chats.update(chat.chat_id, active=False)
        log.info("digest %s resumed after a stop: %s", delivery_id, outcome.status)
        return outcome

    async def _send(
        self,
        bot: Bot,
        chat: Chat,
        delivery_id: int,
        sections: Sequence[StoredSection],
        threads: Mapping[str, int],
        first_leaves: Callable[[], Awaitable[None]] | None,
        *,
        silent: bool = False,
        paid: bool = False,
    ) -> Outcome:
        """Each section to its thread; stop at the first refusal. `first_leaves` runs as
        the digest's first message leaves."""
        total = 0
        started = False
        for section in sections:

            async def leaving(seq: int = section.seq) -> None:
                nonlocal started
                if not started and first_leaves is not None:
                    await first_leaves()
                started = True
                await self.sections.mark(delivery_id, seq, "sending")

            thread = threads.get(section.topic_id) if section.topic_id else None
            outcome = await self._to_thread(
                bot, chat, section.messages, thread, leaving, silent=silent, paid=paid
            )
            if outcome.status != SendStatus.SENT:
                gone = "uncertain" if outcome.status == SendStatus.UNCERTAIN else "failed"
                await self.sections.mark(delivery_id, section.seq, gone)
                return Outcome(outcome.status, total + outcome.messages, outcome.error)
            await self.sections.mark(delivery_id, section.seq, "sent")
            total += outcome.messages
        return Outcome(SendStatus.SENT, total)

    async def _to_thread(
        self,
        bot: Bot,
        chat: Chat,
        messages: list[str],
        thread: int | None,
        leaving: Callable[[], Awaitable[None]],
        *,
        silent: bool = False,
        paid: bool = False,
    ) -> Outcome:
        """A section to its thread, or to the chat's default thread when that one is gone."""
        target = thread if thread is not None else chat.thread_id
        outcome = await send_html(
            bot,
            chat.chat_id,
            messages,
            thread_id=target,
            move_chat=self.move_chat,
            on_dispatch=leaving,
            silent=silent,
            paid=paid,
        )
        if thread is None or THREAD_GONE not in (outcome.error or "").lower():
            return outcome
        log.info(
            "chat %s: thread %s is gone; its section goes to the default", chat.chat_id, thread
        )
        await self.threads.drop(chat.chat_id, thread)
        rest = await send_html(
            bot,
            chat.chat_id,
            messages[outcome.messages :],
            thread_id=chat.thread_id,
            move_chat=self.move_chat,
            on_dispatch=leaving if outcome.messages == 0 else None,
            silent=silent,
            paid=paid,
        )
        return Outcome(rest.status, outcome.messages + rest.messages, rest.error, rest.chat_id)
