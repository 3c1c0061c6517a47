"""What the bot shows of itself: /help, the command menus and the profile texts.

All of it comes from one list, `handlers.MENU` (readers' commands, in menu order) plus
`handlers.ADMIN_COMMANDS`: a new command added there (with its `commands.<name>`
description in templates/) is in the menu and in /help at once; `help_example.<name>`
adds an example to its /help line. Admins get a menu of their own (BotCommandScopeChat per
admin id) with their commands after the readers' ones.
"""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand, BotCommandScopeChat, BotCommandScopeDefault, Update
from telegram.error import TelegramError

import handlers  # the package that lists MENU; read at call time (it imports this module)
from bot.context import MujazContext, Services
from bot.core.render import LANGUAGES
from handlers.common import language_of
from handlers.controls import reply_with_controls

log = logging.getLogger(__name__)


def reader_commands() -> tuple[str, ...]:
    return tuple(handlers.MENU)


def admin_commands() -> tuple[str, ...]:
    return tuple(handlers.ADMIN_COMMANDS)


def _commands(services: Services, language: str, names: tuple[str, ...]) -> list[BotCommand]:
    return [BotCommand(n, services.renderer.text(language, f"commands.{n}")) for n in names]


def help_lines(services: Services, language: str, names: tuple[str, ...]) -> list[tuple[str, ...]]:
    """(description, command, example or "") for each command, for the help template."""
    renderer, keys = services.renderer, services.renderer.keys(language)
    return [
        (
            renderer.text(language, f"commands.{name}"),
            name,
            renderer.text(language, f"help_example.{name}")
            if f"help_example.{name}" in keys
            else "",
        )
        for name in names
    ]


async def help_command(update: Update, context: MujazContext) -> None:
    """Every command with what it does (and the admin's own, for an admin)."""
    services, language = context.services, language_of(update)
    sender = update.effective_user
    admin = sender is not None and sender.id in services.settings.admin_ids
    await reply_with_controls(
        update,
        context,
        "help",
        commands=help_lines(services, language, reader_commands()),
        admin_commands=help_lines(services, language, admin_commands()) if admin else [],
    )


async def publish(bot: Bot, services: Services) -> None:
    """The readers' menu, each admin's menu and the profile texts, in Arabic (the default)
    and in English."""
    for language in (None, *LANGUAGES):
        lang = language or LANGUAGES[0]
        await bot.set_my_commands(
            _commands(services, lang, reader_commands()),
            scope=BotCommandScopeDefault(),
            language_code=language,
        )
        text = services.renderer.text
        try:
            await bot.set_my_description(
                text(lang, "bot_profile.description"), language_code=language
            )
            await bot.set_my_short_description(
                text(lang, "bot_profile.short_description"), language_code=language
            )
        except TelegramError as exc:  # the profile is a nicety: the bot runs without it
            log.warning("bot description not set (%s): %s", language or "default", exc)
    for admin_id in sorted(services.settings.admin_ids):
        # Only chats Telegram knows: an admin who never wrote to the bot would be a 400
        # "chat not found"; their /start sets it.
        if await services.chats.get(admin_id) is not None:
            await publish_admin_menu(bot, services, admin_id)


async def publish_admin_menu(bot: Bot, services: Services, admin_id: int) -> bool:
    """The admin's own menu; False if Telegram refused it (a chat it does not know)."""
    names = (*reader_commands(), *admin_commands())
    try:
        for language in (None, *LANGUAGES):
            await bot.set_my_commands(
                _commands(services, language or LANGUAGES[0], names),
                scope=BotCommandScopeChat(admin_id),
                language_code=language,
            )
    except TelegramError as exc:
        log.info("admin %s's menu not set yet: %s", admin_id, exc)
        return False
    return True
