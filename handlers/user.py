"""/start (and its deep links), /mytopics, /digest, free text and unknown commands."""

from __future__ import annotations

import re

from markupsafe import Markup
from telegram import Update
from telegram.constants import ChatType

from bot.context import MujazContext
from bot.core.compose import is_public
from bot.core.digest import group_stories
from bot.core.language import preferred, reader_languages
from bot.models import Chat
from handlers import channel_digest, menu, search
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
from handlers.controls import reply_with_controls

# t.me/<bot>?start=s<story id>[_<lead article id>]: every outlet's article of a story, under
# the headline the digest showed (links sent before the lead was named have none).
STORY_LINK = re.compile(r"s([0-9]{1,18})(?:_([0-9]{1,18}))?")


async def start(update: Update, context: MujazContext) -> None:
    """Greet and register the chat; a story deep link lists the story's sources instead."""
    user = await current_user(update, context)
    payload = context.args[0] if context.args else ""
    link = STORY_LINK.fullmatch(payload)
    if link is not None:
        lead = int(link[2]) if link[2] else None
        await story_sources(update, context, user, int(link[1]), lead)
        return
    if payload == search.START_FROM_INLINE:
        await search.usage(update, context)
        return
    if await _may_set_language(update, context):
        await context.services.chats.update(user.chat_id, language=language_of(update))
    sender = update.effective_user
    if sender is not None and sender.id in context.services.settings.admin_ids:
        await menu.publish_admin_menu(context.bot, context.services, sender.id)
    await reply(update, context, "start", **schedule_params(context, user, language_of(update)))


async def _may_set_language(update: Update, context: MujazContext) -> bool:
    """A group or channel follows only its admins; a private chat follows its reader on every
    command already (current_user), and keeps its language when Telegram does not say one."""
    chat, sender = update.effective_chat, update.effective_user
    if chat is None or chat.type == ChatType.PRIVATE:
        return False
    return sender is not None and await is_chat_admin(context, chat.id, sender.id)


async def story_sources(
    update: Update, context: MujazContext, chat: Chat, story_id: int, lead_id: int | None
) -> None:
    """Every outlet's article of a story, under the headline the reader tapped: the lead the
    digest showed (`lead_id`), or for an older link the one a digest would lead with now."""
    articles = await context.services.stories.articles(story_id, keep=lead_id)
    if not articles:
        await reply(update, context, "story_gone")
        return
    lead = next((a for a in articles if a.id == lead_id), None)
    if lead is None:
        read = reader_languages(chat.language, chat.languages)
        stories = group_stories(articles, read, preferred(chat.language, read))
        lead = stories[0].lead if stories else articles[0]
    ordered = [lead, *(a for a in articles if a is not lead)]
    sources = [(a.source, a.url) for a in ordered]
    await reply(update, context, "story_sources", title=lead.title, sources=sources)


async def free_text(update: Update, context: MujazContext) -> None:
    """Words in a private chat: the bot reads commands only; one line says where to start."""
    await reply(update, context, "discover.free_text")


@for_target_chat
async def my_topics(update: Update, context: MujazContext, chat: Chat) -> None:
    """The chat's topics and schedule."""
    topics = await context.services.chats.topics(chat.chat_id)
    if not topics:
        await reply_with_controls(update, context, "my_topics_none", chat=chat)
        return
    language = language_of(update)
    names = topic_names(context, language, topics)
    params = schedule_params(context, chat, language)
    read = language_names(context, language, reader_languages(chat.language, chat.languages))
    threads = await _threads_line(update, context, chat, language)
    await reply_with_controls(
        update,
        context,
        "my_topics",
        chat=chat,
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
    if channel_digest.is_setting_up(update, chat):  # shown here first; published on a button
        await channel_digest.preview(update, context, chat, topics, phrases, more=more)
        return
    digests = context.services.digests
    if await digests.send_on_request(context.bot, chat, topics, phrases, more=more) is None:
        key = "more_none" if more else "digest_empty"
        await reply(update, context, f"{key}_public" if is_public(chat) else key)


async def unknown_command(update: Update, context: MujazContext) -> None:
    """Any command we do not have (admin commands included, for non-admins)."""
    await reply(update, context, "unknown_command")


async def unknown_button(update: Update, context: MujazContext) -> None:
    """A button whose data we never made (forged, or from a keyboard we no longer draw)."""
    if update.callback_query is not None:
        await answer_button(update.callback_query)
