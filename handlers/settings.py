"""A chat's digest settings: times, days, quiet hours, zone, digits, size, languages; pause
and resume."""

from __future__ import annotations

from dataclasses import replace

from telegram import Update

from bot.context import MujazContext
from bot.core.language import parse_languages, reader_languages
from bot.core.normalize import normalize
from bot.core.schedule import held_by_quiet, parse_days, parse_quiet, parse_times
from bot.core.switches import OFF as _OFF
from bot.core.switches import ON as _ON
from bot.core.timezones import timezone_choices
from bot.models import Chat, Digits
from handlers import timezone_choice
from handlers.common import (
    for_target_chat,
    language_names,
    language_of,
    rendered,
    reply,
    reply_text,
    schedule_params,
)

MIN_ITEMS, MAX_ITEMS = 3, 30
_DIGITS: dict[str, Digits | None] = {
    **{normalize(w): Digits.ARABIC for w in ("arabic", "ar", "عربية", "عربي", "مشرقية", "٣")},
    **{normalize(w): Digits.LATIN for w in ("latin", "en", "لاتينية", "لاتيني", "غربية", "3")},
    **{normalize(w): None for w in ("auto", "default", "تلقائي", "تلقائية", "افتراضي")},
}


@for_target_chat
async def set_time(update: Update, context: MujazContext, chat: Chat) -> None:
    """/time 07:30 [19:00 …] sets the digest times; without an argument, shows them."""
    language = language_of(update)
    if context.args:
        schedule = replace(chat.schedule, times=parse_times(context.args))
        await context.services.chats.update(chat.chat_id, schedule=schedule)
        chat = replace(chat, schedule=schedule)
    key = "time_set" if context.args else "time_current"
    text = await rendered(update, context, key, **schedule_params(context, chat, language))
    await reply_text(update, await _with_quiet_note(update, context, chat, text))


async def _with_quiet_note(update: Update, context: MujazContext, chat: Chat, text: str) -> str:
    """A reply about times or quiet hours, and when a digest they hold back will come."""
    held = held_by_quiet(chat.schedule)
    if held is None or chat.schedule.quiet is None:
        return text
    times, end = held
    start, _ = chat.schedule.quiet
    note = await rendered(
        update,
        context,
        "time_in_quiet",
        held=[f"{t:%H:%M}" for t in times],
        quiet=f"{start:%H:%M}–{end:%H:%M}",
        end=f"{end:%H:%M}",
    )
    return f"{text}\n{note}"


@for_target_chat
async def set_days(update: Update, context: MujazContext, chat: Chat) -> None:
    """/days daily | weekdays | sun-thu | fri …"""
    renderer, language = context.services.renderer, language_of(update)
    if not context.args:
        await reply(
            update, context, "days_current", days=renderer.days(language, chat.schedule.days)
        )
        return
    days = parse_days(" ".join(context.args), chat.timezone)
    await context.services.chats.update(chat.chat_id, schedule=replace(chat.schedule, days=days))
    await reply(update, context, "days_set", days=renderer.days(language, days))


@for_target_chat
async def set_quiet(update: Update, context: MujazContext, chat: Chat) -> None:
    """/quiet 23:00 07:00 | /quiet off"""
    if not context.args:
        quiet = chat.schedule.quiet
        shown = f"{quiet[0]:%H:%M}–{quiet[1]:%H:%M}" if quiet else ""
        await reply(update, context, "quiet_current", quiet=shown)
        return
    quiet = parse_quiet(context.args)
    schedule = replace(chat.schedule, quiet=quiet)
    await context.services.chats.update(chat.chat_id, schedule=schedule)
    if quiet is None:
        await reply(update, context, "quiet_off")
    else:
        text = await rendered(
            update, context, "quiet_set", start=f"{quiet[0]:%H:%M}", end=f"{quiet[1]:%H:%M}"
        )
        chat = replace(chat, schedule=schedule)
        await reply_text(update, await _with_quiet_note(update, context, chat, text))


@for_target_chat
async def set_timezone(update: Update, context: MujazContext, chat: Chat) -> None:
    """/timezone Area/City, a city in Arabic or English, or an offset (GMT+3, +03:00); without
    one, shows it. A name two cities share gets a button per city."""
    language = language_of(update)
    if context.args:
        given = " ".join(context.args)
        zones = timezone_choices(given)
        if len(zones) > 1:
            await timezone_choice.ask(update, context, given, zones)
            return
        await context.services.chats.update(chat.chat_id, timezone=zones[0])
        chat = replace(chat, timezone=zones[0])
    key = "timezone_set" if context.args else "timezone_current"
    await reply(update, context, key, **timezone_choice.zone_params(context, chat, language))


@for_target_chat
async def set_digits(update: Update, context: MujazContext, chat: Chat) -> None:
    """/digits arabic | latin | auto (the language's: ٠١٢٣ in Arabic, 0123 in English)"""
    word = normalize(" ".join(context.args or []))
    if word not in _DIGITS:
        await reply(update, context, "digits_invalid")
        return
    style = _DIGITS[word]
    await context.services.chats.update(chat.chat_id, digits=style)
    if style is None:
        await reply(update, context, "digits_auto")
    else:
        await reply(update, context, "digits_set", style=style)


@for_target_chat
async def set_items(update: Update, context: MujazContext, chat: Chat) -> None:
    """/items N: at most N stories per digest."""
    # Digits only, of any script ("١٢"): normalizing would drop the sign of "-5".
    text = " ".join(context.args or []).strip()
    n = int(text) if text.isdecimal() and len(text) <= 3 else None  # int() reads "١٢" too
    if n is None or not MIN_ITEMS <= n <= MAX_ITEMS:
        await reply(update, context, "items_invalid", low=MIN_ITEMS, high=MAX_ITEMS)
        return
    await context.services.chats.update(chat.chat_id, max_items=n)
    await reply(update, context, "items_set", n=n)


@for_target_chat
async def set_languages(update: Update, context: MujazContext, chat: Chat) -> None:
    """/languages ar en (codes or names): the languages of the news the digest draws on."""
    if context.args:
        chosen = parse_languages(context.args)
        await context.services.chats.update(chat.chat_id, languages=chosen)
    else:
        chosen = reader_languages(chat.language, chat.languages)
    key = "languages_set" if context.args else "languages_current"
    await reply(update, context, key, names=language_names(context, language_of(update), chosen))


@for_target_chat
async def set_notify_empty(update: Update, context: MujazContext, chat: Chat) -> None:
    """/nothingnew on | off: a short note when a digest would be empty."""
    word = normalize(" ".join(context.args or []))
    if word not in _ON | _OFF:
        await reply(update, context, "switch_invalid", command="nothingnew")
        return
    await context.services.chats.update(chat.chat_id, notify_empty=word in _ON)
    await reply(update, context, "empty_on" if word in _ON else "empty_off")


@for_target_chat
async def pause(update: Update, context: MujazContext, chat: Chat) -> None:
    """Stop scheduled digests until /resume."""
    if chat.paused:
        await reply(update, context, "already_paused")
        return
    await context.services.chats.update(chat.chat_id, paused=True)
    await reply(update, context, "paused")


@for_target_chat
async def resume(update: Update, context: MujazContext, chat: Chat) -> None:
    """Scheduled digests again."""
    params = schedule_params(context, chat, language_of(update))
    if not chat.paused:
        await reply(update, context, "already_active", **params)
        return
    await context.services.chats.update(chat.chat_id, paused=False)
    await reply(update, context, "resumed", **params)
