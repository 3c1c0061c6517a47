"""One place where errors end: a sentence for the reader, the cause in the log."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot.context import MujazContext
from bot.errors import UserInputError
from handlers.common import reply

log = logging.getLogger(__name__)


async def on_error(update: object, context: MujazContext) -> None:
    """Bad input gets its explanation; anything else gets an apology and a log entry."""
    error = context.error
    if not isinstance(update, Update):
        log.error("error outside an update", exc_info=error)
        _alert(context, error, "job")
        return
    if isinstance(error, UserInputError):
        await reply(update, context, error.key, **error.params)
        return
    log.error("error while handling an update", exc_info=error)
    _alert(context, error, "update")
    if update.effective_message is not None:
        try:
            await reply(update, context, "error")
        except TelegramError:
            log.exception("could not tell the user about the error")


def _alert(context: MujazContext, error: BaseException | None, where: str) -> None:
    """The operator hears of it (ALERT_CHAT_ID), traceback attached, once per kind of error."""
    ops = context.bot_data.ops
    if error is not None and ops is not None and ops.alerts is not None:
        ops.alerts.error(error, where)
