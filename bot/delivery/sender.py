"""Sending Telegram HTML messages and reading Telegram's answer into an outcome."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError

log = logging.getLogger(__name__)

SENT = "sent"
BLOCKED = "blocked"  # the user blocked the bot, left, or the chat is gone: never retry
FAILED = "failed"

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
_GONE = ("chat not found", "user is deactivated", "bot was kicked", "peer_id_invalid")


@dataclass(frozen=True)
class Outcome:
    status: str
    messages: int = 0
    error: str | None = None


async def send_html(
    bot: Bot, chat_id: int, messages: list[str], *, thread_id: int | None = None
) -> Outcome:
    """Send the messages in order; stop at the first refusal and say what it means.

    `thread_id` sends into a forum group's topic thread.
    """
    sent = 0
    try:
        for text in messages:
            await bot.send_message(
                chat_id,
                text,
                parse_mode=ParseMode.HTML,
                link_preview_options=NO_PREVIEW,
                message_thread_id=thread_id,
            )
            sent += 1
    except Forbidden as exc:
        return Outcome(BLOCKED, sent, exc.message)
    except BadRequest as exc:
        if any(marker in exc.message.lower() for marker in _GONE):
            return Outcome(BLOCKED, sent, exc.message)
        log.error("Telegram refused a message to %s: %s", chat_id, exc.message)
        return Outcome(FAILED, sent, exc.message)
    except TelegramError as exc:
        log.warning("sending to %s failed: %s", chat_id, exc)
        return Outcome(FAILED, sent, str(exc))
    return Outcome(SENT, sent)
