"""/threads auto|off in a forum supergroup: one thread per subscribed topic for the digest."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.error import BadRequest

from bot.context import MujazContext
from bot.models import Chat
from handlers.common import for_target_chat, language_of, reply, topic_names

log = logging.getLogger(__name__)

ON = ("auto", "on", "تلقائي", "تشغيل")
OFF = ("off", "إيقاف", "ايقاف", "إلغاء", "الغاء")
THREAD_NAMES_LANGUAGE = "ar"  # the threads are named in Arabic, as the digest's brand is


async def threads(update: Update, context: MujazContext) -> None:
    """Only a forum supergroup has threads; its admins switch them (see for_target_chat)."""
    chat = update.effective_chat
    if chat is None or chat.type != ChatType.SUPERGROUP or not chat.is_forum:
        await reply(update, context, "threads.not_forum")
        return
    await _switch(update, context)


@for_target_chat
async def _switch(update: Update, context: MujazContext, chat: Chat) -> None:
    given = (context.args or [""])[0].lower()
    repository = context.services.digests.threads
    if given in OFF:
        await repository.switch(chat.chat_id, False)
        await reply(update, context, "threads.off")
        return
    if given not in ON:
        await reply(update, context, "threads.usage", on=await repository.is_on(chat.chat_id))
        return
    catalog = context.services.catalog
    topics = [t for t in await context.services.chats.topics(chat.chat_id) if t in catalog]
    if not topics:
        await reply(update, context, "threads.no_topics")
        return
    made = await repository.threads(chat.chat_id)
    for topic_id in topics:
        if topic_id in made:
            continue
        topic = catalog[topic_id]
        try:
            created = await context.bot.create_forum_topic(
                chat.chat_id, f"{topic.emoji} {topic.name(THREAD_NAMES_LANGUAGE)}"
            )
        except BadRequest as exc:
            log.info("chat %s: no thread made for %s: %s", chat.chat_id, topic_id, exc.message)
            await reply(update, context, "threads.no_rights")
            return
        await repository.keep(chat.chat_id, topic_id, created.message_thread_id)
    await repository.switch(chat.chat_id, True)
    names = topic_names(context, language_of(update), topics)
    await reply(update, context, "threads.on", names=names)
