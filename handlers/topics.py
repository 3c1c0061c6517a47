"""Choosing topics: the /topics keyboard, /subscribe and /unsubscribe."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.context import MujazContext
from bot.core.topic_names import read_topics
from bot.core.topics import Topic
from bot.models import Chat
from handlers.callbacks import ToggleTopic, TopicsDone, pack, parse
from handlers.common import (
    all_topic_names,
    button_target,
    for_target_chat,
    language_of,
    reply,
    schedule_params,
    topic_names,
    unknown_topic,
)

PER_ROW = 2


@for_target_chat
async def topics(update: Update, context: MujazContext, chat: Chat) -> None:
    """Show every topic as a button that toggles it."""
    if update.effective_message is None:
        return
    chosen = set(await context.services.chats.topics(chat.chat_id))
    language = language_of(update)
    text = context.services.renderer.text(language, "topics_prompt")
    await update.effective_message.reply_html(
        text, reply_markup=keyboard(context, language, chosen), do_quote=False
    )


async def on_button(update: Update, context: MujazContext) -> None:
    """Toggle the pressed topic and redraw the keyboard with ticks; "done" confirms."""
    query = update.callback_query
    assert query is not None
    renderer, language = context.services.renderer, language_of(update)
    chat = await button_target(update, context)
    if chat is None:
        await query.answer(renderer.text(language, "group_admins_only"), show_alert=True)
        return
    match parse(query.data):
        case TopicsDone():
            chosen = await context.services.chats.topics(chat.chat_id)
            text = renderer.text(
                language,
                "topics_saved" if chosen else "topics_saved_none",
                digit_style=chat.digits,
                names=topic_names(context, language, chosen),
                **schedule_params(context, chat, language),
            )
            await query.answer()
            await query.edit_message_text(text, parse_mode="HTML")
        case ToggleTopic(topic_id) if topic_id in context.services.catalog:
            now_on = await context.services.chats.toggle(chat.chat_id, topic_id)
            name = context.services.catalog[topic_id].name(language)
            await query.answer(
                renderer.text(language, "toggled_on" if now_on else "toggled_off", name=name)
            )
            now_chosen = set(await context.services.chats.topics(chat.chat_id))
            await query.edit_message_reply_markup(keyboard(context, language, now_chosen))
        case _:  # a topic the catalog no longer has
            await query.answer()


@for_target_chat
async def subscribe(update: Update, context: MujazContext, chat: Chat) -> None:
    """/subscribe <topic id or Arabic/English name>."""
    await _change(update, context, chat, "subscribe")


@for_target_chat
async def unsubscribe(update: Update, context: MujazContext, chat: Chat) -> None:
    """/unsubscribe <topic>."""
    await _change(update, context, chat, "unsubscribe")


async def _change(update: Update, context: MujazContext, chat: Chat, command: str) -> None:
    """One topic or several (`/subscribe إيران روسيا`); nothing changes if any name is unknown."""
    chosen = await _topic_arguments(update, context, command)
    if not chosen:
        return
    chats, language = context.services.chats, language_of(update)
    changed: list[str] = []
    unchanged: list[str] = []
    for topic in chosen:
        if command == "subscribe":
            done = await chats.subscribe(chat.chat_id, topic.id)
        else:
            done = await chats.unsubscribe(chat.chat_id, topic.id)
        (changed if done else unchanged).append(topic.id)
    if len(chosen) == 1:
        name = chosen[0].name(language)
        if command == "subscribe":
            await reply(
                update, context, "subscribed" if changed else "already_subscribed", name=name
            )
        else:
            await reply(update, context, "unsubscribed" if changed else "not_subscribed", name=name)
        return
    await reply(
        update,
        context,
        f"topic_names.{command}d_many",
        names=topic_names(context, language, changed),
        unchanged=topic_names(context, language, unchanged),
    )


def keyboard(context: MujazContext, language: str, chosen: set[str]) -> InlineKeyboardMarkup:
    renderer = context.services.renderer
    buttons = [
        InlineKeyboardButton(
            renderer.text(
                language,
                "topic_button_on" if t.id in chosen else "topic_button_off",
                name=t.name(language),
            ),
            callback_data=pack(ToggleTopic(t.id)),
        )
        for t in context.services.catalog.topics
    ]
    rows = [buttons[i : i + PER_ROW] for i in range(0, len(buttons), PER_ROW)]
    done = renderer.text(language, "done_button")
    rows.append([InlineKeyboardButton(done, callback_data=pack(TopicsDone()))])
    return InlineKeyboardMarkup(rows)


async def _topic_arguments(update: Update, context: MujazContext, command: str) -> list[Topic]:
    """The topics the command names; [] after the usage or an unknown name's reply."""
    language = language_of(update)
    given = " ".join(context.args or []).strip()
    if not given:
        await reply(
            update,
            context,
            "topic_needed",
            command=command,
            names=all_topic_names(context, language),
        )
        return []
    query = read_topics(context.services.catalog, given)
    if query.unknown:
        raise unknown_topic(context, language, query.unknown[0])
    return list(query.topics)
