"""The reader's schedule: /time, /timezone, /pause, /resume."""

from __future__ import annotations

from telegram import Update

from bot.context import MujazContext
from bot.core.schedule import parse_time, parse_timezone
from handlers.common import current_user, reply, schedule_params


async def set_time(update: Update, context: MujazContext) -> None:
    """/time HH:MM sets the daily digest time; without an argument, shows it."""
    user = await current_user(update, context)
    if not context.args:
        await reply(update, context, "time_current", **schedule_params(user))
        return
    at = parse_time(" ".join(context.args))
    await context.services.users.update(user.chat_id, digest_time=at)
    await reply(update, context, "time_set", time=at.strftime("%H:%M"), timezone=user.timezone)


async def set_timezone(update: Update, context: MujazContext) -> None:
    """/timezone Area/City; without an argument, shows the current zone."""
    user = await current_user(update, context)
    if not context.args:
        await reply(update, context, "timezone_current", **schedule_params(user))
        return
    name = parse_timezone(" ".join(context.args))
    await context.services.users.update(user.chat_id, timezone=name)
    await reply(
        update, context, "timezone_set", timezone=name, time=user.digest_time.strftime("%H:%M")
    )


async def pause(update: Update, context: MujazContext) -> None:
    """Stop scheduled digests until /resume."""
    user = await current_user(update, context)
    if user.paused:
        await reply(update, context, "already_paused")
        return
    await context.services.users.update(user.chat_id, paused=True)
    await reply(update, context, "paused")


async def resume(update: Update, context: MujazContext) -> None:
    """Scheduled digests again."""
    user = await current_user(update, context)
    if not user.paused:
        await reply(update, context, "already_active", **schedule_params(user))
        return
    await context.services.users.update(user.chat_id, paused=False)
    await reply(update, context, "resumed", **schedule_params(user))
