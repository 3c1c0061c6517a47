"""How a chat's digest arrives: /silent on|off (no notification), /preview on|off (a large
preview of the lead story). In groups and channels, their admins choose (see target_chat)."""

from __future__ import annotations

from typing import Any

from telegram import Update

from bot.context import MujazContext
from bot.core.switches import parse_switch
from bot.delivery.sender import NO_PREVIEW
from bot.models import Chat
from handlers.common import for_target_chat, language_of, reply


@for_target_chat
async def set_silent(update: Update, context: MujazContext, chat: Chat) -> None:
    """/silent on: scheduled digests arrive without a notification; without a word, shows it."""
    await _switch(update, context, chat, "silent", chat.silent)


@for_target_chat
async def set_preview(update: Update, context: MujazContext, chat: Chat) -> None:
    """/preview on: the digest's first message shows its lead story's preview, large."""
    await _switch(update, context, chat, "preview", chat.link_preview)


_COLUMNS = {"silent": "silent", "preview": "link_preview"}


async def _switch(
    update: Update, context: MujazContext, chat: Chat, command: str, current: bool
) -> None:
    given = " ".join(context.args or []).strip()
    if not given:
        await reply(update, context, f"{command}.current", on=current)
        return
    chosen = parse_switch(given)
    if chosen is None:
        await reply(update, context, "switch_invalid", command=command)
        return
    await context.services.chats.update(chat.chat_id, **{_COLUMNS[command]: chosen})
    await reply(update, context, f"{command}.on" if chosen else f"{command}.off")


async def reply_with_controls(
    update: Update, context: MujazContext, key: str, /, *, chat: Chat | None = None, **params: Any
) -> None:
    """A reply (`key`) followed by the reader controls' lines: with `chat`, its settings
    (/mytopics: mutes, silent, preview); without, how to use them (/help). Both say when the
    bot is a private instance (ALLOWED_CHATS)."""
    services = context.services
    language = language_of(update)
    here = update.effective_chat  # digits as every reply in this chat has them (see reply)
    row = await services.chats.get(here.id) if here else None
    digits = row.digits if row else None
    private = services.access.private
    if chat is None:
        extra = (
            services.renderer.text(language, "controls.help", digit_style=digits, private=True)
            if private
            else ""
        )
    else:
        mutes = [phrase for _, phrase in await services.mutes.of(chat.chat_id)]
        extra = services.renderer.text(
            language,
            "controls.summary",
            digit_style=digits,
            mutes=services.renderer.join(language, mutes),
            silent=chat.silent,
            preview=chat.link_preview,
            private=private,
        )
    text = services.renderer.text(language, key, digit_style=digits, **params)
    text = f"{text}\n{extra}" if extra else text
    message = update.effective_message
    if message is not None:
        await message.reply_html(text, link_preview_options=NO_PREVIEW, do_quote=False)
