"""What every handler does the same way: language, the chat's row, permissions, a reply."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import replace
from typing import Any

from markupsafe import Markup
from telegram import CallbackQuery, Update
from telegram.constants import ChatType
from telegram.error import TelegramError

from bot.context import MujazContext
from bot.core.language import language_name, sorted_languages
from bot.core.render import pick_language
from bot.core.timezones import zone_label
from bot.core.topic_names import UnknownName, near_misses
from bot.core.topics import Topic
from bot.delivery.sender import NO_PREVIEW
from bot.errors import UnknownTopic
from bot.models import Chat

log = logging.getLogger(__name__)

Handler = Callable[[Update, MujazContext], Coroutine[Any, Any, None]]
ChatHandler = Callable[[Update, MujazContext, Chat], Coroutine[Any, Any, None]]


def language_of(update: Update) -> str:
    user = update.effective_user
    return pick_language(user.language_code if user else None)


async def reply(update: Update, context: MujazContext, key: str, /, **params: Any) -> None:
    """Answer in the sender's language, with the digits this chat chose."""
    await reply_text(update, await rendered(update, context, key, **params))


async def rendered(update: Update, context: MujazContext, key: str, /, **params: Any) -> str:
    """A reply's text, as `reply` would send it; for a reply made of several parts."""
    chat = update.effective_chat
    row = await context.services.chats.get(chat.id) if chat else None
    return context.services.renderer.text(
        language_of(update), key, digit_style=row.digits if row else None, **params
    )


async def reply_text(update: Update, text: str) -> None:
    message = update.effective_message
    if message is not None:
        await message.reply_html(text, link_preview_options=NO_PREVIEW, do_quote=False)


async def answer_button(query: CallbackQuery, text: str | None = None) -> None:
    """Answer a button press; a press replayed after a restart is too old to answer."""
    try:
        await query.answer(text)
    except TelegramError as exc:
        log.info("button press not answered: %s", exc)


async def current_user(update: Update, context: MujazContext) -> Chat:
    """This chat's row, created on first contact with the default timezone.

    A private chat's language follows its reader's Telegram on every command, not only at
    /start: replies already do, and the digest must not speak another language.
    """
    chat = update.effective_chat
    assert chat is not None
    services = context.services
    row = await services.chats.ensure(
        chat.id,
        language=language_of(update),
        timezone=services.settings.default_timezone,
        chat_type=chat.type,
        title=chat.title,
    )
    spoken = _telegram_language(update)
    if chat.type == ChatType.PRIVATE and spoken is not None and spoken != row.language:
        await services.chats.update(row.chat_id, language=spoken)
        row = replace(row, language=spoken)
    return row


def _telegram_language(update: Update) -> str | None:
    """The sender's language when their Telegram says it (the field is optional)."""
    user = update.effective_user
    return pick_language(user.language_code) if user and user.language_code else None


async def target_chat(update: Update, context: MujazContext) -> Chat | None:
    """The chat a settings command changes, or None after a polite refusal.

    In a private chat: the reader's own digest, or the channel they are setting up
    (/channel). In a group: the group's digest, and only its admins may change it.
    """
    user = await current_user(update, context)
    chat = update.effective_chat
    assert chat is not None
    if chat.type == ChatType.PRIVATE:
        if user.editing_chat_id is not None:
            channel = await context.services.chats.get(user.editing_chat_id)
            if channel is not None:
                # Rights are asked again (after a few minutes): a demoted admin stops here.
                if await is_chat_admin(context, channel.chat_id, user.chat_id):
                    return channel
                await context.services.chats.update(user.chat_id, editing_chat_id=None)
                await reply(update, context, "channel_user_not_admin", title=channel.title or "")
                return None
        return user
    if not await is_chat_admin(
        context, chat.id, update.effective_user.id if update.effective_user else 0
    ):
        await reply(update, context, "group_admins_only")
        return None
    return user


async def button_target(update: Update, context: MujazContext) -> Chat | None:
    """Like target_chat, for a button press: a group's keyboard answers only its admins."""
    chat = update.effective_chat
    presser = update.effective_user
    if chat is not None and chat.type != ChatType.PRIVATE:
        if presser is None or not await is_chat_admin(context, chat.id, presser.id):
            return None
        return await current_user(update, context)
    user = await current_user(update, context)
    if user.editing_chat_id is not None:
        return await context.services.chats.get(user.editing_chat_id) or user
    return user


def for_target_chat(handler: ChatHandler) -> Handler:
    """A settings command that gets the chat it changes (see target_chat) as its third argument.

    After a refusal (a group member who is not its admin) the command does not run.
    """

    @functools.wraps(handler)
    async def resolved(update: Update, context: MujazContext) -> None:
        chat = await target_chat(update, context)
        if chat is not None:
            await handler(update, context, chat)

    return resolved


async def is_chat_admin(context: MujazContext, chat_id: int, user_id: int) -> bool:
    return await context.services.admins.is_admin(context.bot, chat_id, user_id)


def topic_names(context: MujazContext, language: str, topic_ids: Iterable[str]) -> str:
    catalog = context.services.catalog
    names = (catalog[t].name(language) for t in topic_ids if t in catalog)
    return context.services.renderer.join(language, names)


def language_names(context: MujazContext, language: str, codes: Iterable[str]) -> str:
    """Languages by name in the reader's language, Arabic first ("العربية، الإنجليزية")."""
    names = (language_name(code, language) for code in sorted_languages(codes))
    return context.services.renderer.join(language, names)


def all_topic_names(context: MujazContext, language: str) -> str:
    return topic_names(context, language, context.services.catalog.ids())


def named_topic(context: MujazContext, language: str, given: str) -> Topic:
    """The topic `given` names (id, Arabic or English name); UnknownTopic lists them all."""
    topic = context.services.catalog.find(given)
    if topic is None:
        missed = UnknownName(given, near_misses(context.services.catalog, given))
        raise unknown_topic(context, language, missed)
    return topic


def unknown_topic(context: MujazContext, language: str, missed: UnknownName) -> UnknownTopic:
    """The error for a name no topic answers to: every topic, and «هل تقصد …؟» for a near miss."""
    return UnknownTopic(
        given=missed.given,
        names=all_topic_names(context, language),
        suggestions=[topic.name(language) for topic in missed.suggestions],
    )


def schedule_params(context: MujazContext, user: Chat, language: str) -> dict[str, Any]:
    """`schedule` (times, days, quiet hours in words) and `timezone` (its city in the reader's
    language, «الرياض», or its offset, "UTC+3"), for any reply."""
    renderer = context.services.renderer
    text = renderer.schedule(language, user.schedule, user.digits)
    return {"schedule": Markup(text), "timezone": zone_label(user.timezone, language)}
