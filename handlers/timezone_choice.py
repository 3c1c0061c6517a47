"""/timezone with a name two cities share (عمان: Amman or Muscat): a button per city, and the
zone is set only when the reader picks one. Also what every /timezone reply shows: the city
in the reader's language and the zone's offset now ("الرياض (UTC+3)")."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.context import MujazContext
from bot.core.timezones import city_name, country_name, offset_label
from bot.models import Chat
from handlers.callbacks import PickZone, pack, parse
from handlers.common import answer_button, button_target, language_of, schedule_params


def offset_now(context: MujazContext, zone_name: str) -> str:
    now = context.services.clock()
    zone = ZoneInfo(zone_name)
    return offset_label(zone, now.astimezone(zone).replace(tzinfo=None))


def zone_params(context: MujazContext, chat: Chat, language: str) -> dict[str, Any]:
    """`city`, `offset`, `schedule` and `timezone` for a /timezone reply."""
    return {
        "city": city_name(chat.timezone, language),
        "offset": offset_now(context, chat.timezone),
        **schedule_params(context, chat, language),
    }


async def ask(update: Update, context: MujazContext, given: str, zones: tuple[str, ...]) -> None:
    """Which city the reader means, one button each ("عمّان، الأردن (UTC+3)")."""
    message = update.effective_message
    if message is None:
        return
    renderer, language = context.services.renderer, language_of(update)
    buttons = [
        [
            InlineKeyboardButton(
                renderer.text(
                    language,
                    "timezone_choice.button",
                    city=city_name(zone, language),
                    country=country_name(zone, language),
                    offset=offset_now(context, zone),
                ),
                callback_data=pack(PickZone(zone)),
            )
        ]
        for zone in zones
    ]
    text = renderer.text(language, "timezone_choice.ask", given=given)
    await message.reply_html(text, reply_markup=InlineKeyboardMarkup(buttons), do_quote=False)


async def on_button(update: Update, context: MujazContext) -> None:
    """Set the zone picked; in a group only its admins may."""
    query = update.callback_query
    assert query is not None
    services, language = context.services, language_of(update)
    button = parse(query.data)
    if not isinstance(button, PickZone) or button.zone not in available_timezones():
        await answer_button(query)
        return
    chat = await button_target(update, context)
    if chat is None:
        await answer_button(query, services.renderer.text(language, "group_admins_only"))
        return
    await services.chats.update(chat.chat_id, timezone=button.zone)
    chat = replace(chat, timezone=button.zone)
    await answer_button(query)
    text = services.renderer.text(
        language, "timezone_set", digit_style=chat.digits, **zone_params(context, chat, language)
    )
    with contextlib.suppress(TelegramError):  # pressed twice: the message already says so
        await query.edit_message_text(text, parse_mode=ParseMode.HTML)
