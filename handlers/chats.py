"""Groups, channels and forum threads: digests for chats other than a reader's own."""

from __future__ import annotations

import logging

from telegram import ChatMemberUpdated, Update
from telegram.constants import ChatType
from telegram.error import TelegramError

from bot.chat_admins import ADMIN_STATUSES
from bot.context import MujazContext
from bot.models import Chat
from handlers.common import (
    current_user,
    for_target_chat,
    is_chat_admin,
    language_of,
    reply,
)

log = logging.getLogger(__name__)
_GONE = ("left", "kicked")


async def on_membership(update: Update, context: MujazContext) -> None:
    """The bot was added to or removed from a group or channel."""
    change: ChatMemberUpdated | None = update.my_chat_member
    if change is None:
        return
    chat, status = change.chat, change.new_chat_member.status
    chats = context.services.chats
    if status in _GONE:
        if await chats.get(chat.id) is not None:
            await chats.update(chat.id, active=False)
        log.info("removed from chat %s (%s)", chat.id, chat.title)
        return
    if chat.type == ChatType.PRIVATE:
        return
    row = await current_user(update, context)
    await chats.update(row.chat_id, title=chat.title, chat_type=chat.type)
    log.info("added to %s %s (%s) as %s", chat.type, chat.id, chat.title, status)
    if chat.type in (ChatType.GROUP, ChatType.SUPERGROUP) and status == "member":
        text = context.services.renderer.text(
            language_of(update), "welcome_group", title=chat.title or ""
        )
        try:
            await context.bot.send_message(chat.id, text, parse_mode="HTML")
        except TelegramError:
            log.warning("could not greet chat %s", chat.id)


async def here(update: Update, context: MujazContext) -> None:
    """/here inside a forum topic: the group's digest goes to that thread."""
    message = update.effective_message
    chat = update.effective_chat
    if chat is None or message is None or not chat.is_forum or not message.is_topic_message:
        await reply(update, context, "here_not_forum")
        return
    await _digest_to_this_thread(update, context)


@for_target_chat
async def _digest_to_this_thread(update: Update, context: MujazContext, chat: Chat) -> None:
    message = update.effective_message
    assert message is not None  # checked by /here
    await context.services.chats.update(chat.chat_id, thread_id=message.message_thread_id)
    await reply(update, context, "here_set")


async def channel(update: Update, context: MujazContext) -> None:
    """/channel @name: set up a channel's digest from this private chat; /channel off to stop."""
    me = await current_user(update, context)
    chats = context.services.chats
    given = " ".join(context.args or []).strip()
    if not given or update.effective_chat is None or update.effective_chat.type != ChatType.PRIVATE:
        await reply(update, context, "channel_usage")
        return
    if given.lower() in ("off", "إلغاء", "الغاء"):
        await chats.update(me.chat_id, editing_chat_id=None)
        await reply(update, context, "channel_off")
        return
    try:
        found = await context.bot.get_chat(int(given) if given.lstrip("-").isdigit() else given)
    except TelegramError:
        await reply(update, context, "channel_not_found", given=given)
        return
    title = found.title or given
    if not await context.services.access.serves(found.id, [found.username]):  # ALLOWED_CHATS
        await reply(update, context, "private.channel", title=title)
        return
    try:
        bot_member = await context.bot.get_chat_member(found.id, context.bot.id)
    except TelegramError:
        await reply(update, context, "channel_not_found", given=given)
        return
    if bot_member.status not in ADMIN_STATUSES:
        await reply(update, context, "channel_bot_not_admin", title=title)
        return
    if not await is_chat_admin(context, found.id, me.chat_id):
        await reply(update, context, "channel_user_not_admin", title=title)
        return
    await chats.ensure(
        found.id,
        language=me.language,
        timezone=me.timezone,
        chat_type=found.type,
        title=found.title,
    )
    await chats.update(me.chat_id, editing_chat_id=found.id)
    log.info("user %s now configures channel %s (%s)", me.chat_id, found.id, title)
    await reply(update, context, "channel_set", title=title)
