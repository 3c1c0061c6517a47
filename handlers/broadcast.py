"""/broadcast, its Send and Cancel buttons, and /broadcast_cancel. Admins only.

`/broadcast [topic:ID] <Telegram HTML>`, or `/broadcast [topic:ID]` as a reply to
any message (copied with copyMessage, so photos and formatting survive). The bot
shows the broadcast exactly as it will arrive, then asks: Send or Cancel. Send
turns the draft into a job (bot/delivery/broadcast.py) whose status message is
the one with the buttons.
"""

from __future__ import annotations

import logging
import re

from markupsafe import Markup
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError

from bot.context import MujazContext
from bot.core.html_check import html_problem
from bot.errors import UnknownTopic
from handlers.admin import who
from handlers.callbacks import DropBroadcast, SendBroadcast, pack, parse
from handlers.common import all_topic_names, answer_button, language_of, reply

log = logging.getLogger(__name__)

_TOPIC = re.compile(r"topic:(\S+)\s*")


async def broadcast(update: Update, context: MujazContext) -> None:
    """A preview of the broadcast with Send and Cancel buttons."""
    message, chat, admin = update.effective_message, update.effective_chat, update.effective_user
    assert message is not None and chat is not None and admin is not None
    services = context.services
    language = language_of(update)
    parts = (message.text or message.caption or "").split(maxsplit=1)
    body = parts[1] if len(parts) > 1 else ""
    topic_id: str | None = None
    topic_match = _TOPIC.match(body)
    if topic_match:
        topic = services.catalog.find(topic_match.group(1))
        if topic is None:
            raise UnknownTopic(given=topic_match.group(1), names=all_topic_names(context, language))
        topic_id, body = topic.id, body[topic_match.end() :]
    source = message.reply_to_message
    if source is None and not body.strip():
        await reply(update, context, "broadcast.usage")
        return
    if source is None:
        problem = html_problem(body)
        if problem is not None:
            reason = services.renderer.text(language, f"broadcast.html.{problem.code}",
                                            detail=problem.detail)  # fmt: skip
            await reply(update, context, "broadcast.bad_html", reason=Markup(reason))
            return
    topic_name = services.catalog[topic_id].name(language) if topic_id else None
    audience = await services.broadcasts.repo.audience(topic_id)
    if audience == 0:
        await reply(update, context, "broadcast.no_audience", topic=topic_name)
        return
    draft = await services.broadcasts.repo.create(
        created_by=admin.id,
        admin_chat_id=chat.id,
        language=language,
        text=body if source is None else None,
        from_chat_id=chat.id if source is not None else None,
        message_id=source.message_id if source is not None else None,
        topic_id=topic_id,
        paid=services.settings.paid_broadcast_rate > 0,
    )
    log.info("admin %s: /broadcast #%d drafted for %d chats (%s, %s)", who(update), draft.id,
             audience, topic_id or "everyone", "copy" if source else "text")  # fmt: skip
    try:
        if source is None:
            await context.bot.send_message(chat.id, body, parse_mode=ParseMode.HTML)
        else:
            await context.bot.copy_message(chat.id, chat.id, source.message_id)
    except BadRequest as exc:
        await services.broadcasts.discard(draft.id)
        await reply(update, context, "broadcast.preview_failed", error=exc.message)
        return
    text = services.renderer.text(
        language, "broadcast.confirm", id=draft.id, count=audience, topic=topic_name
    )
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    services.renderer.text(language, "broadcast.send_button"),
                    callback_data=pack(SendBroadcast(draft.id)),
                ),
                InlineKeyboardButton(
                    services.renderer.text(language, "broadcast.drop_button"),
                    callback_data=pack(DropBroadcast(draft.id)),
                ),
            ]
        ]
    )
    await message.reply_html(text, reply_markup=keyboard, do_quote=False)


async def on_button(update: Update, context: MujazContext) -> None:
    """Send starts the job; Cancel drops the draft. Anyone but an admin is ignored."""
    query = update.callback_query
    assert query is not None
    services = context.services
    button = parse(query.data)
    if (
        query.from_user.id not in services.settings.admin_ids
        or query.message is None
        or not isinstance(button, SendBroadcast | DropBroadcast)
    ):
        await answer_button(query)
        return
    broadcast_id, language, renderer = button.broadcast_id, language_of(update), services.renderer
    if isinstance(button, SendBroadcast):
        total = await services.broadcasts.start(context.bot, broadcast_id, query.message.message_id)
        if total is None:
            await answer_button(query, renderer.text(language, "broadcast.already"))
            return
        log.info("admin %s: broadcast #%d started, %d chats", who(update), broadcast_id, total)
        await answer_button(query)
        text = renderer.text(language, "broadcast.status", id=broadcast_id, total=total,
                             sent=0, failed=0, blocked=0, uncertain=0, left=total)  # fmt: skip
    else:
        if not await services.broadcasts.discard(broadcast_id):
            await answer_button(query, renderer.text(language, "broadcast.already"))
            return
        log.info("admin %s: broadcast #%d discarded", who(update), broadcast_id)
        await answer_button(query)
        text = renderer.text(language, "broadcast.discarded", id=broadcast_id)
    try:
        await query.edit_message_text(text, parse_mode=ParseMode.HTML)
    except TelegramError as exc:  # the status board edits the same message
        log.info("broadcast #%d: button message not edited: %s", broadcast_id, exc)


async def cancel(update: Update, context: MujazContext) -> None:
    """/broadcast_cancel: stop what is going out; each stopped one reports when done."""
    stopped = await context.services.broadcasts.cancel_running()
    log.info("admin %s: /broadcast_cancel stopped %s", who(update), stopped or "nothing")
    if not stopped:
        await reply(update, context, "broadcast.nothing_running")
        return
    await reply(update, context, "broadcast.cancelling", ids=stopped)
