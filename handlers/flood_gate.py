"""Before any handler: a chat over its command rate is told «مهلًا» once, then ignored."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.context import MujazContext
from bot.flood import Verdict
from handlers.common import answer_button, language_of, reply


async def hold_back(update: Update, context: MujazContext) -> None:
    chat = update.effective_chat
    message = update.message
    is_command = bool(message and message.text and message.text.startswith("/"))
    if chat is None or not (is_command or update.callback_query):
        return
    verdict = context.services.flood.check(chat.id)
    if verdict is Verdict.PASS:
        return
    if verdict is Verdict.WARN:
        if update.callback_query is not None:
            text = context.services.renderer.text(language_of(update), "slow_down")
            await answer_button(update.callback_query, text)
        else:
            await reply(update, context, "slow_down")
    elif update.callback_query is not None:
        await answer_button(update.callback_query)
    raise ApplicationHandlerStop
