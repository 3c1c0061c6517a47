"""Readers find what the bot does: /help lists every command, the menus hold them all (admins
get their own), free text gets a pointer, and the empty chat's screen explains the bot."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

import handlers
from bot.core.telegram_text import visible_text
from tests.bot.harness import Harness, running
from tests.delivery.audience import seed_chats
from tests.fakes.bot_api import FakeBotAPI

READER, ADMIN, KNOWN_ADMIN, GROUP = 501, 42, 43, -100_900


@pytest.fixture
async def bot(fake_bot_api: FakeBotAPI, tmp_path: Path) -> AsyncIterator[Harness]:
    admins = frozenset({ADMIN, KNOWN_ADMIN})
    async with running(fake_bot_api, tmp_path, admin_ids=admins) as first:
        await seed_chats(first.services.db, [KNOWN_ADMIN])  # wrote to the bot before
    fake_bot_api.add_chat(KNOWN_ADMIN)
    async with running(fake_bot_api, tmp_path, admin_ids=admins) as harness:
        yield harness


def listed(text: str) -> set[str]:
    return set(re.findall(r"(?<![\w/])/([a-z_]+)", visible_text(text)))


@pytest.mark.parametrize("language", ["ar", "en"])
async def test_help_lists_every_command_of_the_menu(bot: Harness, language: str) -> None:
    text = (await bot.say(READER, "/help", language=language))["text"]
    assert listed(text) >= set(handlers.MENU)
    assert not listed(text) & set(handlers.ADMIN_COMMANDS)
    admin = (await bot.say(KNOWN_ADMIN, "/help", language=language))["text"]
    assert listed(admin) >= set(handlers.MENU) | set(handlers.ADMIN_COMMANDS)


async def test_the_menu_has_nothingnew_channel_and_here(bot: Harness) -> None:
    for language in (None, "ar", "en"):
        menu = {c["command"] for c in bot.api.menu({"type": "default"}, language)}
        assert menu == set(handlers.MENU)
        assert {"nothingnew", "channel", "here"} <= menu


async def test_free_text_in_a_private_chat_gets_a_one_line_pointer(bot: Harness) -> None:
    pointer = (await bot.say(READER, "مرحبا، ماذا تفعل؟"))["text"]
    assert "\n" not in pointer and "/help" in pointer
    english = (await bot.say(READER, "hello?", language="en"))["text"]
    assert "/help" in english and english != pointer

    bot.api.user_sends(KNOWN_ADMIN, "نص إعلان سيُنسخ بالرد عليه")  # an admin's draft: no pointer
    await bot.say(KNOWN_ADMIN, "/help")
    assert len(bot.api.messages_to(KNOWN_ADMIN)) == 1

    bot.api.add_chat(GROUP, "supergroup", title="مجموعة")
    bot.api.user_sends(READER, "كلام في المجموعة", chat_type="supergroup", chat_id=GROUP)
    await bot.say(READER, "/help")  # handled after the group message
    assert bot.api.messages_to(GROUP) == []  # nothing said to a group's chatter


async def test_admins_get_a_menu_of_their_own(bot: Harness) -> None:
    everything = set(handlers.MENU) | set(handlers.ADMIN_COMMANDS)
    own = {"type": "chat", "chat_id": KNOWN_ADMIN}
    for language in (None, "ar", "en"):
        assert {c["command"] for c in bot.api.menu(own, language)} == everything
    assert bot.api.menu({"type": "chat", "chat_id": ADMIN}) == []  # never wrote to the bot
    await bot.say(ADMIN, "/start")
    assert {c["command"] for c in bot.api.menu({"type": "chat", "chat_id": ADMIN})} == everything
    await bot.say(READER, "/start")
    assert bot.api.menu({"type": "chat", "chat_id": READER}) == []  # readers keep the default


async def test_the_bot_describes_itself_in_arabic_and_in_english(bot: Harness) -> None:
    descriptions, short = bot.api.descriptions, bot.api.short_descriptions
    assert set(descriptions) == set(short) == {None, "ar", "en"}
    assert descriptions[None] == descriptions["ar"] and "موجز" in descriptions["ar"]
    assert "digest" in descriptions["en"] and "digest" in short["en"]
    assert "موجز" in short["ar"]
    assert bot.api.rejected == []  # no menu asked for a chat Telegram does not know
