"""/broadcast, its Send and Cancel buttons, and /broadcast_cancel. Admins only.

`/broadcast [topic:ID] <Telegram HTML>`, or `/broadcast [topic:ID]` as a reply to
any message (copied with copyMessage, so photos and formatting survive). The bot
shows the broadcast exactly as it will arrive, then asks: Send or Cancel. Send
turns the draft into a job (bot/delivery/broadcast.py) whose status message is
the one with the buttons.
"""

from __future__ import annotations

import logging

from markupsafe import Markup
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.context import MujazContext
from bot.core.html_check import HtmlProblem
from bot.delivery.broadcast import Drafted, NewBroadcast, NoAudience, PreviewRefused, Proposal
from handlers.admin import who
from handlers.broadcast_args import parse_broadcast
from handlers.callbacks import DropBroadcast, SendBroadcast, pack, parse
from handlers.common import (
    all_topic_names,
    answer_button,
    language_of,
    named_topic,
    reply,
)

log = logging.getLogger(__name__)


async def broadcast(update: Update, context: MujazContext) -> None:
    """A preview of the broadcast with Send and Cancel buttons."""
    message, chat, admin = update.effective_message, update.effective_chat, update.effective_user
    assert message is not None and chat is not None and admin is not None
    language, source = language_of(update), message.reply_to_message
    asked = parse_broadcast(
        message.text or message.caption or "", reply_to=source.message_id if source else None
    )
    if asked.topic == "":  # "/broadcast topic:" names no topic: not a broadcast of "topic:"
        names = all_topic_names(context, language)
        await reply(update, context, "broadcast_topic.needed", names=names)
        return
    topic = named_topic(context, language, asked.topic) if asked.topic is not None else None
    if asked.empty or asked.problem is not None:
        await _refuse(update, context, asked.problem)
        return
    new = NewBroadcast(
        created_by=admin.id,
        admin_chat_id=chat.id,
        language=language,
        text=asked.text,
        copy_of=asked.copy_of,
        topic_id=topic.id if topic else None,
    )
    proposal = await context.services.broadcasts.propose(context.bot, new)
    await _confirm(update, context, new, proposal, topic.name(language) if topic else None)


async def _refuse(update: Update, context: MujazContext, problem: HtmlProblem | None) -> None:
    """The usage, or what Telegram would not accept in the HTML."""
    if problem is None:
        await reply(update, context, "broadcast.usage")
        return
    key = f"broadcast.html.{problem.code}"
    reason = context.services.renderer.text(language_of(update), key, detail=problem.detail)
    await reply(update, context, "broadcast.bad_html", reason=Markup(reason))


async def _confirm(
    update: Update, context: MujazContext, new: NewBroadcast, proposal: Proposal, topic: str | None
) -> None:
    """Send or Cancel under the preview; or why there is nothing to send."""
    match proposal:
        case NoAudience():
            await reply(update, context, "broadcast.no_audience", topic=topic)
        case PreviewRefused(error):
            log.info("admin %s: /broadcast preview refused: %s", who(update), error)
            await reply(update, context, "broadcast.preview_failed", error=error)
        case Drafted(broadcast_id, audience):
            kind = "text" if new.copy_of is None else "copy"
            log.info("admin %s: /broadcast #%d drafted for %d chats (%s, %s)", who(update),
                     broadcast_id, audience, new.topic_id or "everyone", kind)  # fmt: skip
            text = context.services.renderer.text(
                new.language, "broadcast.confirm", id=broadcast_id, count=audience, topic=topic
            )
            keyboard = _buttons(context, new.language, broadcast_id)
            message = update.effective_message
            assert message is not None
            await message.reply_html(text, reply_markup=keyboard, do_quote=False)


def _buttons(context: MujazContext, language: str, broadcast_id: int) -> InlineKeyboardMarkup:
    renderer = context.services.renderer
    send = renderer.text(language, "broadcast.send_button")
    drop = renderer.text(language, "broadcast.drop_button")
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(send, callback_data=pack(SendBroadcast(broadcast_id))),
                InlineKeyboardButton(drop, callback_data=pack(DropBroadcast(broadcast_id))),
            ]
        ]
    )


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
