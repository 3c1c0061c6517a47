"""/start (and its deep links), /help, /mytopics, /digest and unknown commands."""

from __future__ import annotations

from markupsafe import Markup
from telegram import Update
from telegram.constants import ChatType

from bot.context import MujazContext
from bot.core.language import effective, reader_languages
from bot.models import Chat
from handlers import search
from handlers.common import (
    answer_button,
    current_user,
    for_target_chat,
    is_chat_admin,
    language_names,
    language_of,
    reply,
    schedule_params,
    topic_names,
)

STORY_LINK = "s"  # t.me/<bot>?start=s<story id>: every outlet's article of a story


async def start(update: Update, context: MujazContext) -> None:
    """Greet and register the chat; a story deep link lists the story's sources instead."""
    user = await current_user(update, context)
    payload = context.args[0] if context.args else ""
    if payload.startswith(STORY_LINK) and payload[1:].isdigit():
        await story_sources(update, context, user, int(payload[1:]))
        return
    if payload == search.START_FROM_INLINE:
        await search.usage(update, context)
        return
    if await _may_set_language(update, context):
        await context.services.chats.update(user.chat_id, language=language_of(update))
    await reply(update, context, "start", **schedule_params(context, user, language_of(update)))


async def _may_set_language(update: Update, context: MujazContext) -> bool:
    """A private chat follows its reader; a group or channel only its admins."""
    chat, sender = update.effective_chat, update.effective_user
    if chat is None or chat.type == ChatType.PRIVATE:
        return True
    return sender is not None and await is_chat_admin(context, chat.id, sender.id)


async def story_sources(update: Update, context: MujazContext, chat: Chat, story_id: int) -> None:
    """Every outlet's article of a story, under the first headline in a language the chat reads."""
    articles = await context.services.stories.articles(story_id)
    if not articles:
        await reply(update, context, "story_gone")
        return
    sources = [(a.source, a.url) for a in articles]
    read = reader_languages(chat.language, chat.languages)
    title = next((a.title for a in articles if effective(a.lang) in read), articles[0].title)
    await reply(update, context, "story_sources", title=title, sources=sources)


async def help_command(update: Update, context: MujazContext) -> None:
    """List what the bot can do."""
    await reply(update, context, "help")


@for_target_chat
async def my_topics(update: Update, context: MujazContext, chat: Chat) -> None:
    """The chat's topics and schedule."""
    topics = await context.services.chats.topics(chat.chat_id)
    if not topics:
        await reply(update, context, "my_topics_none")
        return
    language = language_of(update)
    names = topic_names(context, language, topics)
    params = schedule_params(context, chat, language)
    read = language_names(context, language, reader_languages(chat.language, chat.languages))
    threads = await _threads_line(update, context, chat, language)
    await reply(
        update,
        context,
        "my_topics",
        names=names,
        languages=read,
        paused=chat.paused,
        threads=threads,
        **params,
    )


async def _threads_line(update: Update, context: MujazContext, chat: Chat, language: str) -> str:
    """In a forum group: whether each topic has its thread (/threads)."""
    here = update.effective_chat
    if here is None or here.type != ChatType.SUPERGROUP or not here.is_forum:
        return ""
    on = await context.services.digests.threads.is_on(chat.chat_id)
    key = "threads.mytopics_on" if on else "threads.mytopics_off"
    return Markup(context.services.renderer.text(language, key, digit_style=chat.digits))


@for_target_chat
async def digest(update: Update, context: MujazContext, chat: Chat) -> None:
    """A digest right now of what is new since the last one; `/digest more` for what it cut."""
    topics = await context.services.chats.topics(chat.chat_id)
    phrases = await context.services.follows.of(chat.chat_id)
    if not topics and not phrases:
        await reply(update, context, "digest_no_topics")
        return
    more = bool(context.args and context.args[0].lower() in ("more", "المزيد", "مزيد"))
    digests = context.services.digests
    if await digests.send_on_request(context.bot, chat, topics, phrases, more=more) is None:
        await reply(update, context, "more_none" if more else "digest_empty")


async def unknown_command(update: Update, context: MujazContext) -> None:
    """Any command we do not have (admin commands included, for non-admins)."""
    await reply(update, context, "unknown_command")


async def unknown_button(update: Update, context: MujazContext) -> None:
    """A button whose data we never made (forged, or from a keyboard we no longer draw)."""
    if update.callback_query is not None:
        await answer_button(update.callback_query)
