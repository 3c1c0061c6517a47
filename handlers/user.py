"""/start, /help, /mytopics, /digest and the answer to an unknown command."""

from __future__ import annotations

from telegram import Update

from bot.context import MujazContext
from handlers.common import current_user, language_of, reply, schedule_params, topic_names


async def start(update: Update, context: MujazContext) -> None:
    """Greet, register the chat, point at /topics."""
    user = await current_user(update, context)
    await context.services.users.update(user.chat_id, language=language_of(update))
    await reply(update, context, "start", **schedule_params(user))


async def help_command(update: Update, context: MujazContext) -> None:
    """List what the bot can do."""
    await reply(update, context, "help")


async def my_topics(update: Update, context: MujazContext) -> None:
    """The reader's topics and schedule."""
    user = await current_user(update, context)
    topics = await context.services.users.topics(user.chat_id)
    if not topics:
        await reply(update, context, "my_topics_none")
        return
    names = topic_names(context, language_of(update), topics)
    await reply(
        update, context, "my_topics", names=names, paused=user.paused, **schedule_params(user)
    )


async def digest(update: Update, context: MujazContext) -> None:
    """A digest right now, of what is new since the last one."""
    user = await current_user(update, context)
    topics = await context.services.users.topics(user.chat_id)
    if not topics:
        await reply(update, context, "digest_no_topics")
        return
    outcome = await context.services.digests.send_now(context.bot, user, topics)
    if outcome is None:
        await reply(update, context, "digest_empty")


async def unknown_command(update: Update, context: MujazContext) -> None:
    """Any command we do not have (admin commands included, for non-admins)."""
    await reply(update, context, "unknown_command")
