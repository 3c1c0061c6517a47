"""A reader's own keywords: /follow <word or phrase>, /unfollow <word or phrase>."""

from __future__ import annotations

from telegram import Update

from bot.context import MujazContext
from bot.core.invisible import strip_invisible
from bot.core.phrases import MAX_PHRASES, check_phrase
from bot.models import Chat
from handlers.common import for_target_chat, language_of, reply


@for_target_chat
async def follow(update: Update, context: MujazContext, chat: Chat) -> None:
    """/follow كورسك: stories that name it join the digest in a section of their own."""
    follows = context.services.follows
    given = strip_invisible(" ".join(context.args or [])).strip()  # never echo an RLO back
    if not given:
        await _list(update, context, chat.chat_id, "follow_usage")
        return
    check = check_phrase(given)
    if not check.ok:
        await reply(update, context, f"follow_invalid.{check.reason}", given=given)
        return
    current = await follows.of(chat.chat_id)
    if any(key == check.key for key, _ in current):
        await reply(update, context, "follow_exists", phrase=check.phrase)
        return
    if any(key == check.key for key, _ in await context.services.mutes.of(chat.chat_id)):
        await reply(update, context, "mute.is_muted", phrase=check.phrase)
        return
    if await context.services.mutes.phrases_in_use(chat.chat_id) >= MAX_PHRASES:  # with mutes
        await reply(update, context, "follow_limit", limit=MAX_PHRASES)
        return
    await follows.add(chat.chat_id, phrase=check.phrase, key=check.key)
    await reply(update, context, "follow_added", phrase=check.phrase)


@for_target_chat
async def unfollow(update: Update, context: MujazContext, chat: Chat) -> None:
    """/unfollow كورسك"""
    given = strip_invisible(" ".join(context.args or [])).strip()
    if not given:
        await _list(update, context, chat.chat_id, "unfollow_usage")
        return
    check = check_phrase(given)
    if not check.ok or not await context.services.follows.remove(chat.chat_id, check.key):
        await _list(update, context, chat.chat_id, "unfollow_unknown", given=given)
        return
    await reply(update, context, "unfollow_done", phrase=check.phrase)


async def _list(
    update: Update, context: MujazContext, chat_id: int, key: str, **params: str
) -> None:
    phrases = [phrase for _, phrase in await context.services.follows.of(chat_id)]
    joined = context.services.renderer.join(language_of(update), phrases)
    await reply(update, context, key, phrases=joined, **params)
