"""Sending one recipient its message(s) and reading Telegram's answer into an outcome.

Requests go through the outbox (the bot's rate limiter), which paces them and
waits out 429s. What is left to decide here, per answer:

- 403 (blocked, deactivated, kicked) or 400 "chat not found": BLOCKED, never retried;
- `migrate_to_chat_id` (a group became a supergroup): the chat's settings move to
  the new id (the caller's `move_chat`, wired in bot/app.py), and the message goes there;
- 5xx and network errors: retried after BACKOFF pauses, then FAILED;
- a timeout: UNCERTAIN — the request may have reached Telegram, so it is not sent
  again (nobody gets a message twice);
- any other refusal: FAILED.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.delivery.lanes import Lane, Ticket, current_lane
from bot.delivery.outbox import outbox_of

log = logging.getLogger(__name__)


class SendStatus(StrEnum):
    """What became of a send; the values are the ledgers' statuses."""

    SENT = "sent"
    BLOCKED = "blocked"  # the user blocked the bot, left, or the chat is gone: never retry
    FAILED = "failed"
    UNCERTAIN = "uncertain"  # timed out: it may have arrived; not sent again


NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def large_preview(url: str) -> LinkPreviewOptions:
    """A digest's lead story shown large above its first message (/preview on)."""
    return LinkPreviewOptions(url=url, prefer_large_media=True, show_above_text=True)


BACKOFF = (0.5, 1.0, 2.0)  # seconds before each retry of a 5xx or network error
_GONE = ("chat not found", "user is deactivated", "bot was kicked", "peer_id_invalid")
_MAX_MIGRATIONS = 2


@dataclass(frozen=True)
class Outcome:
    status: SendStatus
    messages: int = 0
    error: str | None = None
    chat_id: int | None = None  # where it went, when a migration moved the chat


@dataclass(frozen=True)
class Content:
    """A broadcast: Telegram HTML, or a message to copy (photos and formatting survive)."""

    text: str | None = None
    from_chat_id: int | None = None
    message_id: int | None = None


Send = Callable[[int, dict[str, Any]], Awaitable[object]]
MoveChat = Callable[[int, int], Awaitable[None]]
"""Moves a group's settings to the supergroup it became: (old chat id, new chat id)."""


async def send_html(
    bot: Bot,
    chat_id: int,
    messages: list[str],
    *,
    thread_id: int | None = None,
    move_chat: MoveChat | None = None,
    on_dispatch: Callable[[], Awaitable[None]] | None = None,
    silent: bool = False,
    preview_url: str | None = None,
    paid: bool = False,
) -> Outcome:
    """Send the messages in order; stop at the first refusal and say what it means.

    `thread_id` sends into a forum group's topic thread. `silent`: without a notification;
    `preview_url`: the first message shows that page's preview, large, above its text;
    `paid`: with allow_paid_broadcast, counted against the outbox's paid limit.
    The lane is the caller's (`sending_as`): a digest tick's messages are bulk, a /digest
    answer is a reply. Without `move_chat`, a group that became a supergroup is a failure.
    `on_dispatch` runs once, right before the first message leaves (after all waiting in
    the outbox).
    """
    paying: dict[str, Any] = {"allow_paid_broadcast": True} if paid else {}
    lane = current_lane()
    sent = 0
    moved: int | None = None
    quiet: dict[str, Any] = {"disable_notification": True} if silent else {}
    for index, text in enumerate(messages):
        preview = large_preview(preview_url) if preview_url and index == 0 else NO_PREVIEW

        async def one(
            chat: int,
            extra: dict[str, Any],
            text: str = text,
            preview: LinkPreviewOptions = preview,
        ) -> object:
            return await bot.send_message(
                chat,
                text,
                parse_mode=ParseMode.HTML,
                link_preview_options=preview,
                message_thread_id=thread_id,
                **quiet,
                **paying,
                **extra,
            )

        ticket = Ticket(lane, on_dispatch if index == 0 else None, paid=paid)
        outcome = await deliver(bot, chat_id, one, ticket, move_chat=move_chat)
        if outcome.chat_id is not None:
            chat_id = moved = outcome.chat_id
        if outcome.status != SendStatus.SENT:
            return Outcome(outcome.status, sent, outcome.error, moved)
        sent += 1
    return Outcome(SendStatus.SENT, sent, chat_id=moved)


async def send_content(
    bot: Bot,
    chat_id: int,
    content: Content,
    *,
    lane: Lane = Lane.BROADCAST,
    thread_id: int | None = None,
    on_dispatch: Callable[[], Awaitable[None]] | None = None,
    paid: bool = False,
    move_chat: MoveChat | None = None,
) -> Outcome:
    """One broadcast copy; `on_dispatch` runs right before it first leaves. `thread_id`: the
    forum thread a group chose with /here, where its digests go too."""

    async def one(chat: int, extra: dict[str, Any]) -> object:
        if paid:
            extra = {**extra, "allow_paid_broadcast": True}
        if thread_id is not None:
            extra = {**extra, "message_thread_id": thread_id}
        if content.text is not None:
            return await bot.send_message(chat, content.text, parse_mode=ParseMode.HTML, **extra)
        assert content.from_chat_id is not None and content.message_id is not None
        return await bot.copy_message(chat, content.from_chat_id, content.message_id, **extra)

    ticket = Ticket(lane, on_dispatch, paid=paid)
    return await deliver(bot, chat_id, one, ticket, move_chat=move_chat)


async def deliver(
    bot: Bot, chat_id: int, send: Send, ticket: Ticket, *, move_chat: MoveChat | None = None
) -> Outcome:
    """One message to one chat, with Telegram's answers handled (see the module docstring).

    The outcome is counted by lane in the outbox's stats (what /metrics shows)."""
    outcome = await _deliver(bot, chat_id, send, ticket, move_chat=move_chat)
    outbox = outbox_of(bot)
    if outbox is not None:
        key = (ticket.lane, outcome.status.value)
        outbox.stats.outcomes[key] = outbox.stats.outcomes.get(key, 0) + 1
    return outcome


async def _deliver(
    bot: Bot, chat_id: int, send: Send, ticket: Ticket, *, move_chat: MoveChat | None
) -> Outcome:
    extra: dict[str, Any] = {}
    if outbox_of(bot) is not None:
        extra["rate_limit_args"] = ticket  # the outbox runs on_dispatch as the request leaves
    elif ticket.on_dispatch is not None:
        await ticket.on_dispatch()
    moved: int | None = None
    migrations = 0
    failures = 0
    while True:
        try:
            await send(chat_id, extra)
            return Outcome(SendStatus.SENT, 1, chat_id=moved)
        except ChatMigrated as exc:
            migrations += 1
            if move_chat is None or migrations > _MAX_MIGRATIONS:
                return Outcome(SendStatus.FAILED, 0, f"chat migrated to {exc.new_chat_id}", moved)
            log.info("chat %s became %s; its settings move there", chat_id, exc.new_chat_id)
            await move_chat(chat_id, exc.new_chat_id)
            chat_id = moved = exc.new_chat_id
        except Forbidden as exc:
            return Outcome(SendStatus.BLOCKED, 0, exc.message, moved)
        except BadRequest as exc:
            if any(marker in exc.message.lower() for marker in _GONE):
                return Outcome(SendStatus.BLOCKED, 0, exc.message, moved)
            log.error("Telegram refused a message to %s: %s", chat_id, exc.message)
            return Outcome(SendStatus.FAILED, 0, exc.message, moved)
        except TimedOut as exc:
            log.warning("sending to %s timed out; not resent: %s", chat_id, exc)
            return Outcome(SendStatus.UNCERTAIN, 0, "timed out", moved)
        except NetworkError as exc:  # 5xx, connection refused or reset
            if failures >= len(BACKOFF):
                log.warning("sending to %s failed %d times: %s", chat_id, failures + 1, exc)
                return Outcome(SendStatus.FAILED, 0, exc.message, moved)
            await asyncio.sleep(BACKOFF[failures])
            failures += 1
        except RetryAfter as exc:  # the outbox waited out as many 429s as it may
            return Outcome(SendStatus.FAILED, 0, exc.message, moved)
        except TelegramError as exc:
            log.warning("sending to %s failed: %s", chat_id, exc)
            return Outcome(SendStatus.FAILED, 0, exc.message, moved)
