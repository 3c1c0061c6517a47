"""Days, zones and names as readers where Mujaz is read count them: the working week of the
reader's country, a choice between two cities of one name, offsets, and city names."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.schedule import parse_days
from bot.core.timezones import city_name, parse_timezone
from tests.bot.harness import Harness, running
from tests.fakes.bot_api import FakeBotAPI

READER = 501
SUN_THU, MON_FRI = frozenset({7, 1, 2, 3, 4}), frozenset({1, 2, 3, 4, 5})


@pytest.fixture
async def bot(fake_bot_api: FakeBotAPI, tmp_path: Path) -> AsyncIterator[Harness]:
    async with running(fake_bot_api, tmp_path) as harness:
        yield harness


async def days_of(bot: Harness) -> frozenset[int]:
    chat = await bot.services.chats.get(READER)
    assert chat is not None
    return chat.schedule.days


async def test_weekdays_follow_the_working_week_of_the_readers_zone(bot: Harness) -> None:
    reply = (await bot.say(READER, "/days weekdays"))["text"]  # the default zone: Riyadh
    assert "من الأحد إلى الخميس" in reply
    assert await days_of(bot) == SUN_THU
    await bot.say(READER, "/timezone London")
    await bot.say(READER, "/days weekdays", language="en")
    assert await days_of(bot) == MON_FRI
    await bot.say(READER, "/timezone Tehran")
    await bot.say(READER, "/days أيام العمل")
    assert await days_of(bot) == frozenset({6, 7, 1, 2, 3, 4})  # Saturday to Thursday


async def test_weekends_are_accepted_and_follow_the_zone(bot: Harness) -> None:
    reply = (await bot.say(READER, "/days weekends"))["text"]
    assert "الجمعة" in reply and "السبت" in reply
    assert await days_of(bot) == frozenset({5, 6})
    assert parse_days("weekends", "Europe/Paris") == frozenset({6, 7})
    assert parse_days("mon-fri", "Asia/Riyadh") == MON_FRI  # a run typed out stays as typed


async def test_a_name_two_cities_share_offers_both(bot: Harness) -> None:
    question = await bot.say(READER, "/timezone عمان")
    assert "مدينتين" in question["text"]
    labels = [b["text"] for row in question["reply_markup"]["inline_keyboard"] for b in row]
    assert labels == ["عمّان، الأردن (UTC+3)", "مسقط، عُمان (UTC+4)"]
    chat = await bot.services.chats.get(READER)
    assert chat is not None and chat.timezone == "Asia/Riyadh"  # nothing picked silently
    bot.api.user_presses(READER, question, "tz:Asia/Muscat")
    await bot.api.wait_for(lambda: "مسقط" in bot.api.messages_to(READER)[-1]["text"])
    assert "المنطقة الزمنية الآن: مسقط (UTC+4)" in bot.api.messages_to(READER)[-1]["text"]
    chat = await bot.services.chats.get(READER)
    assert chat is not None and chat.timezone == "Asia/Muscat"
    bot.api.user_presses(READER, question, "tz:Mars/Base", allow_stale=True)  # forged
    await bot.api.wait_for(lambda: len(bot.api.callback_answers) == 2)
    chat = await bot.services.chats.get(READER)
    assert chat is not None and chat.timezone == "Asia/Muscat"


async def test_a_vowelled_name_is_not_ambiguous(bot: Harness) -> None:
    assert "عمّان (UTC+3)" in (await bot.say(READER, "/timezone عمّان"))["text"]


@pytest.mark.parametrize(
    ("given", "zone", "shown"),
    [("GMT+3", "Etc/GMT-3", "UTC+3"), ("+03:00", "Etc/GMT-3", "UTC+3"),
     ("UTC-5", "Etc/GMT+5", "UTC-5"), ("+05:30", "Asia/Kolkata", "UTC+5:30")],
)  # fmt: skip
async def test_offsets_are_accepted_and_shown_the_way_they_were_meant(
    bot: Harness, given: str, zone: str, shown: str
) -> None:
    reply = (await bot.say(READER, f"/timezone {given}"))["text"]
    chat = await bot.services.chats.get(READER)
    assert chat is not None and chat.timezone == zone
    assert shown in reply and "GMT-3" not in reply and "Etc/" not in reply


def test_etc_zones_read_with_the_sign_people_mean() -> None:
    assert city_name("Etc/GMT-3", "ar") == "UTC+3"
    assert city_name("Etc/GMT+5", "en") == "UTC-5"
    assert parse_timezone("Etc/GMT-3") == "Etc/GMT-3"


async def test_replies_name_the_city_not_the_zone_id(bot: Harness) -> None:
    for command in ("/start", "/time 07:30", "/timezone"):
        arabic = (await bot.say(READER, command))["text"]
        assert "الرياض" in arabic and "Asia/Riyadh" not in arabic
    english = (await bot.say(READER, "/time 07:30", language="en"))["text"]
    assert "(Riyadh)" in english and "Asia/Riyadh" not in english
