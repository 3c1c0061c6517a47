"""What every handler does the same way: the reader's language, their row, a templated reply."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from telegram import Update

from bot.context import MujazContext
from bot.core.render import pick_language
from bot.delivery.sender import NO_PREVIEW
from bot.models import User


def language_of(update: Update) -> str:
    user = update.effective_user
    return pick_language(user.language_code if user else None)


async def reply(update: Update, context: MujazContext, key: str, /, **params: Any) -> None:
    """Answer the update's message with the template `key` in the reader's language."""
    text = context.services.renderer.text(language_of(update), key, **params)
    message = update.effective_message
    if message is not None:
        await message.reply_html(text, link_preview_options=NO_PREVIEW, do_quote=False)


async def current_user(update: Update, context: MujazContext) -> User:
    """The chat's row, created on first contact with the default timezone."""
    chat = update.effective_chat
    assert chat is not None
    services = context.services
    return await services.users.ensure(
        chat.id, language=language_of(update), timezone=services.settings.default_timezone
    )


def topic_names(context: MujazContext, language: str, topic_ids: Iterable[str]) -> str:
    catalog = context.services.catalog
    separator = "، " if language == "ar" else ", "
    return separator.join(catalog[t].name(language) for t in topic_ids if t in catalog)


def all_topic_names(context: MujazContext, language: str) -> str:
    return topic_names(context, language, context.services.catalog.ids())


def schedule_params(user: User) -> dict[str, str]:
    return {"time": user.digest_time.strftime("%H:%M"), "timezone": user.timezone}
