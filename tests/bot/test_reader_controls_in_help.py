"""The reader controls in /help, /mytopics and the command menu, in Arabic and English."""

from __future__ import annotations

from pathlib import Path

from tests.bot.harness import running
from tests.fakes.bot_api import FakeBotAPI

READER = 8001


async def test_help_and_mytopics_show_mute_silent_and_preview_in_both_languages(
    fake_bot_api: FakeBotAPI, tmp_path: Path
) -> None:
    api = fake_bot_api
    async with running(api, tmp_path, flood_commands=100) as bot:
        help_ar = (await bot.say(READER, "/help"))["text"]
        assert all(command in help_ar for command in ("/mute", "/unmute", "/silent", "/preview"))
        assert "هذا البوت خاص" not in help_ar
        help_en = (await bot.say(READER, "/help", language="en"))["text"]
        assert all(command in help_en for command in ("/mute", "/silent on", "/preview on"))

        before = (await bot.say(READER, "/mytopics"))["text"]  # no topic yet: still shown
        assert "الكلمات المكتومة: لا شيء" in before and "🔔 الموجز مع تنبيه" in before
        for command in ("/subscribe russia", "/mute كرة القدم", "/silent on", "/preview on"):
            await bot.say(READER, command)
        mine = (await bot.say(READER, "/mytopics"))["text"]
        assert "🗂️ المواضيع: روسيا" in mine
        assert "🔇 الكلمات المكتومة: كرة القدم" in mine
        assert "🔕 الموجز بلا تنبيه" in mine and "معاينة الخبر الأول: تعمل" in mine
        mine_en = (await bot.say(READER, "/mytopics", language="en"))["text"]
        assert "Muted: كرة القدم" in mine_en and "Lead story preview: on" in mine_en

        for language in ("ar", "en"):
            names = [c["command"] for c in api.commands[("default", language)]]
            assert {"mute", "unmute", "silent", "preview"} <= set(names), language
    assert api.rejected == []


async def test_help_and_mytopics_say_when_the_bot_is_a_private_instance(
    fake_bot_api: FakeBotAPI, tmp_path: Path
) -> None:
    async with running(fake_bot_api, tmp_path, allowed_chats=str(READER)) as bot:
        assert "هذا البوت خاص" in (await bot.say(READER, "/help"))["text"]
        assert "بوت خاص" in (await bot.say(READER, "/mytopics"))["text"]
        assert "private bot" in (await bot.say(READER, "/help", language="en"))["text"]
