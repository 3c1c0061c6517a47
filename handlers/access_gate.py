"""Before anything else, on a private instance (ALLOWED_CHATS): a chat outside the list
gets one polite line, once ever, and nothing else; its updates go no further."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.context import MujazContext
from handlers.addressing import ADDRESSED_ELSEWHERE
from handlers.common import answer_button, language_of

log = logging.getLogger(__name__)
_ADDED = (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR)


async def turn_away(update: Update, context: MujazContext) -> None:
    access = context.services.access
    if not access.private:
        return
    chat, user = update.effective_chat, update.effective_user
    if chat is None:  # an inline query: no chat to tell, only its user to check
        if user is not None and await access.serves(user.id, [user.username]):
            return
        raise ApplicationHandlerStop
    names = [chat.username]
    if chat.type == ChatType.PRIVATE and user is not None:
        names.append(user.username)
    if await access.serves(chat.id, names):
        return
    if update.callback_query is not None:
        await answer_button(update.callback_query)  # no spinner left; no words either
    if _asks_us(update) and await access.tell_once(chat.id):
        log.info("chat %s (%s) is not in ALLOWED_CHATS: told once", chat.id, chat.type)
        text = context.services.renderer.text(language_of(update), "private.refused")
        try:
            await context.bot.send_message(chat.id, text, parse_mode="HTML")
        except TelegramError as exc:
            log.info("could not tell chat %s it is not served: %s", chat.id, exc)
    raise ApplicationHandlerStop


def _asks_us(update: Update) -> bool:
    """Something a polite bot answers: a private message, a command for us, a button
    press, or being added to a group or channel. Chatter, other bots' commands, edits
    and channel posts are not."""
    if update.callback_query is not None:
        return True
    change = update.my_chat_member
    if change is not None:
        return change.new_chat_member.status in _ADDED
    message = update.message
    if message is None:
        return False
    if message.chat.type == ChatType.PRIVATE:
        return True
    text = message.text or ""
    return text.startswith("/") and not ADDRESSED_ELSEWHERE.check_update(update)
