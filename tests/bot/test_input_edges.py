"""Arguments readers get wrong or type their own way, through the real bot: each gets a
clear answer, and nothing odd is stored."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.bot.harness import Harness, running
from tests.fakes.bot_api import FakeBotAPI

READER = 7001


@pytest.fixture
async def bot(fake_bot_api: FakeBotAPI, tmp_path: Path) -> AsyncIterator[Harness]:
    async with running(fake_bot_api, tmp_path) as harness:
        yield harness


async def max_items(bot: Harness) -> int:
    chat = await bot.services.chats.get(READER)
    assert chat is not None
    return chat.max_items


async def test_a_negative_item_count_is_refused_not_read_as_positive(bot: Harness) -> None:
    assert "من ٣ إلى ٣٠" in (await bot.say(READER, "/items -5"))["text"]
    assert await max_items(bot) == 10
    assert "١٢" in (await bot.say(READER, "/items ١٢"))["text"]
    assert await max_items(bot) == 12


async def test_unfollow_without_a_word_asks_for_one(bot: Harness) -> None:
    await bot.say(READER, "/follow كورسك")
    text = str((await bot.say(READER, "/unfollow"))["text"])
    assert "«»" not in text and "لا تتابع" not in text
    assert "/unfollow" in text and "كورسك" in text


async def test_markup_typed_into_follow_is_not_stored(bot: Harness) -> None:
    text = str((await bot.say(READER, "/follow <b>كورسك</b>"))["text"])
    assert "«كورسك»" in text
    assert await bot.services.follows.of(READER) == [("كورسك", "كورسك")]


async def test_time_takes_an_hour_or_twelve_hour_forms(bot: Harness) -> None:
    for typed, stored in [
        ("7", "07:00"),
        ("7pm", "19:00"),
        ("07:30م", "19:30"),
        ("07:30ص", "07:30"),
    ]:
        await bot.say(READER, f"/time {typed}")
        chat = await bot.services.chats.get(READER)
        assert chat is not None and chat.schedule.times[0].strftime("%H:%M") == stored, typed


async def test_five_times_are_told_the_limit(bot: Harness) -> None:
    text = str((await bot.say(READER, "/time 6 7 8 9 10"))["text"])
    assert "٤ أوقات على الأكثر" in text


async def test_a_time_inside_quiet_hours_says_when_the_digest_arrives(bot: Harness) -> None:
    await bot.say(READER, "/quiet 23:00 07:00")
    text = str((await bot.say(READER, "/time 23:30"))["text"])
    assert "ساعات الهدوء" in text and "٠٧:٠٠" in text
    # And the other way round: quiet hours set over an existing time say it too.
    await bot.say(READER, "/quiet off")
    await bot.say(READER, "/time 06:00")
    text = str((await bot.say(READER, "/quiet 22:00 06:30"))["text"])
    assert "الموعد ٠٦:٠٠" in text and "٠٦:٣٠" in text
