"""Muted phrases: /mute <word or phrase>, /unmute [<word or phrase>] and its buttons.

A muted phrase is checked and matched exactly like a followed one (bot/core/phrases.py,
bot/core/mutes.py); follows and mutes share one limit, MAX_PHRASES, and one phrase is
never both followed and muted.
"""

from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType

from bot.context import MujazContext
from bot.core.invisible import strip_invisible
from bot.core.phrases import MAX_PHRASES, check_phrase
from bot.delivery.sender import NO_PREVIEW
from bot.models import Chat
from handlers.callbacks import Unmute, pack, parse
from handlers.common import (
    answer_button,
    for_target_chat,
    is_chat_admin,
    language_of,
    reply,
    target_chat,
)

_PER_ROW = 2


@for_target_chat
async def mute(update: Update, context: MujazContext, chat: Chat) -> None:
    """/mute كرة القدم: stories naming it leave this chat's digest."""
    services = context.services
    given = strip_invisible(" ".join(context.args or [])).strip()  # never echo an RLO back
    if not given:
        phrases = [phrase for _, phrase in await services.mutes.of(chat.chat_id)]
        joined = services.renderer.join(language_of(update), phrases)
        await reply(update, context, "mute.usage", phrases=joined)
        return
    check = check_phrase(given)
    if not check.ok:
        await reply(update, context, f"mute.invalid.{check.reason}", given=given)
        return
    if any(key == check.key for key, _ in await services.mutes.of(chat.chat_id)):
        await reply(update, context, "mute.exists", phrase=check.phrase)
        return
    if any(key == check.key for key, _ in await services.follows.of(chat.chat_id)):
        await reply(update, context, "mute.followed", phrase=check.phrase)
        return
    if await services.mutes.phrases_in_use(chat.chat_id) >= MAX_PHRASES:
        await reply(update, context, "follow_limit", limit=MAX_PHRASES)
        return
    await services.mutes.add(chat.chat_id, phrase=check.phrase, key=check.key)
    await reply(update, context, "mute.added", phrase=check.phrase)


@for_target_chat
async def unmute(update: Update, context: MujazContext, chat: Chat) -> None:
    """/unmute كرة القدم; without a phrase (or with one not muted), the list with buttons."""
    given = strip_invisible(" ".join(context.args or [])).strip()
    if given:
        check = check_phrase(given)
        removed = await context.services.mutes.remove(chat.chat_id, check.key) if check else None
        if removed is not None:
            await reply(update, context, "unmute.done", phrase=removed)
            return
    await _send_list(update, context, chat, given)


async def on_button(update: Update, context: MujazContext) -> None:
    """A phrase pressed on /unmute's list: unmute it and redraw the list."""
    query = update.callback_query
    assert query is not None
    renderer, language = context.services.renderer, language_of(update)
    button = parse(query.data)
    assert isinstance(button, Unmute)  # the handler's pattern
    chat = await _button_target(update, context)
    if chat is None:
        await answer_button(query, renderer.text(language, "group_admins_only"))
        return
    phrase = await context.services.mutes.remove_listed(chat.chat_id, button.mute_id)
    if phrase is None:
        await answer_button(query, renderer.text(language, "unmute.gone"))
        return
    await answer_button(query, renderer.text(language, "unmute.done", phrase=phrase))
    text, markup = await _list_view(context, language, chat)
    await query.edit_message_text(
        text, parse_mode="HTML", reply_markup=markup, link_preview_options=NO_PREVIEW
    )


async def _send_list(update: Update, context: MujazContext, chat: Chat, given: str) -> None:
    message = update.effective_message
    if message is None:
        return
    text, markup = await _list_view(context, language_of(update), chat, given)
    await message.reply_html(
        text, reply_markup=markup, link_preview_options=NO_PREVIEW, do_quote=False
    )


async def _list_view(
    context: MujazContext, language: str, chat: Chat, given: str = ""
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The chat's muted phrases, one button each; `given`: a phrase asked for but not muted."""
    renderer = context.services.renderer
    listed = await context.services.mutes.listed(chat.chat_id)
    phrases = renderer.join(language, (phrase for _, phrase in listed))
    key = "unmute.unknown" if given else "unmute.list" if listed else "unmute.none"
    text = renderer.text(language, key, digit_style=chat.digits, given=given, phrases=phrases)
    if not listed:
        return text, None
    buttons = [
        InlineKeyboardButton(
            # A button's text is plain, not HTML: undo the template's escaping of the phrase.
            html.unescape(renderer.text(language, "unmute.button", phrase=phrase)),
            callback_data=pack(Unmute(mute_id)),
        )
        for mute_id, phrase in listed
    ]
    rows = [buttons[i : i + _PER_ROW] for i in range(0, len(buttons), _PER_ROW)]
    return text, InlineKeyboardMarkup(rows)


async def _button_target(update: Update, context: MujazContext) -> Chat | None:
    """The chat a button changes; in a group, only its admins' presses count (no reply
    is posted for the others: the press is answered with a short notice)."""
    chat, presser = update.effective_chat, update.effective_user
    if (
        chat is not None
        and chat.type != ChatType.PRIVATE
        and (presser is None or not await is_chat_admin(context, chat.id, presser.id))
    ):
        return None
    return await target_chat(update, context)
