"""/digest while setting up a channel (or a group) from a private chat: a preview there,
and a Publish button. Nothing reaches the channel until its admin presses it."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import TelegramError

from bot.context import MujazContext
from bot.delivery.sender import NO_PREVIEW, SendStatus
from bot.models import Chat
from handlers.callbacks import KeepDigest, PublishDigest, pack, parse
from handlers.common import answer_button, is_chat_admin, language_of, rendered, reply_text

log = logging.getLogger(__name__)


def is_setting_up(update: Update, chat: Chat) -> bool:
    """A private chat whose settings commands change another chat (/channel)."""
    here = update.effective_chat
    return here is not None and here.type == ChatType.PRIVATE and chat.chat_id != here.id


async def preview(
    update: Update,
    context: MujazContext,
    channel: Chat,
    topics: list[str],
    phrases: list[tuple[str, str]],
    *,
    more: bool,
) -> None:
    """The channel's next digest as it would be published, shown here with a Publish button."""
    title = channel.title or str(channel.chat_id)
    composed = await context.services.digests.preview_request(
        context.bot, channel, topics, phrases, more=more
    )
    if composed is None or not composed.messages:
        key = "channel_more_none" if more else "channel_nothing_new"
        await reply_text(update, await rendered(update, context, key, title=title))
        return
    await reply_text(update, await rendered(update, context, "channel_preview_intro", title=title))
    for message in composed.messages:
        await reply_text(update, message)
    renderer, language = context.services.renderer, language_of(update)
    publish = PublishDigest(channel.chat_id, composed.window[1], more=more)
    buttons = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    renderer.text(language, "channel_publish_button"), callback_data=pack(publish)
                ),
                InlineKeyboardButton(
                    renderer.text(language, "channel_keep_button"),
                    callback_data=pack(KeepDigest()),
                ),
            ]
        ]
    )
    ask = await rendered(update, context, "channel_preview_ask", title=title)
    if update.effective_message is not None:
        await update.effective_message.reply_html(
            ask, reply_markup=buttons, link_preview_options=NO_PREVIEW, do_quote=False
        )


async def on_button(update: Update, context: MujazContext) -> None:
    """Publish sends the previewed digest to the channel, if the presser is still its admin."""
    query = update.callback_query
    assert query is not None
    button = parse(query.data)
    here = update.effective_chat
    if here is None or here.type != ChatType.PRIVATE:
        await answer_button(query)
        return
    if isinstance(button, KeepDigest):
        await answer_button(query)
        await _settle(update, context, "channel_not_published")
        return
    if not isinstance(button, PublishDigest):
        await answer_button(query)
        return
    services = context.services
    channel = await services.chats.get(button.chat_id)
    if channel is None or not await is_chat_admin(context, button.chat_id, query.from_user.id):
        title = channel.title if channel and channel.title else str(button.chat_id)
        text = services.renderer.text(language_of(update), "channel_user_not_admin", title=title)
        await answer_button(query, text)
        return
    await answer_button(query)
    topics = await services.chats.topics(channel.chat_id)
    phrases = await services.follows.of(channel.chat_id)
    outcome = await services.digests.send_on_request(
        context.bot, channel, topics, phrases, more=button.more, up_to=button.up_to
    )
    title = channel.title or str(channel.chat_id)
    log.info("user %s published a digest to %s: %s", query.from_user.id, channel.chat_id, outcome)
    if outcome is None:
        await _settle(update, context, "channel_nothing_new", title=title)
    elif outcome.status == SendStatus.SENT:
        await _settle(update, context, "channel_published", title=title)
    else:
        error = outcome.error or outcome.status
        await _settle(update, context, "channel_publish_failed", title=title, error=error)


async def _settle(update: Update, context: MujazContext, key: str, **params: str) -> None:
    """The question's message becomes the answer; its buttons go."""
    query = update.callback_query
    assert query is not None
    text = await rendered(update, context, key, **params)
    try:
        await query.edit_message_text(text, parse_mode=ParseMode.HTML)
    except TelegramError as exc:  # pressed twice, or the message is gone
        log.info("digest preview not edited: %s", exc)
