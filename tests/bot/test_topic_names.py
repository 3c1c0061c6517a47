"""Readers name topics as they say them: short names, several at once, and a guess for a typo."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.bot.harness import Harness, running
from tests.fakes.bot_api import FakeBotAPI

READER = 501


@pytest.fixture
async def bot(fake_bot_api: FakeBotAPI, tmp_path: Path) -> AsyncIterator[Harness]:
    async with running(fake_bot_api, tmp_path) as harness:
        yield harness


@pytest.mark.parametrize(
    ("name", "topic"),
    [("أوكرانيا", "ukraine_war"), ("ukraine", "ukraine_war"), ("sport", "sports"),
     ("tech", "technology"), ("القوقاز", "south_caucasus"), ("رياضة", "sports"),
     ("gulf", "gulf")],
)  # fmt: skip
async def test_short_and_common_topic_names_subscribe(bot: Harness, name: str, topic: str) -> None:
    reply = await bot.say(READER, f"/subscribe {name}")
    assert reply["text"].startswith("✅")
    assert await bot.services.chats.topics(READER) == [topic]


async def test_a_near_miss_gets_did_you_mean(bot: Harness) -> None:
    arabic = (await bot.say(READER, "/subscribe روسا"))["text"]
    assert "هل تقصد «روسيا»؟" in arabic
    english = (await bot.say(READER, "/subscribe sprots", language="en"))["text"]
    assert "Did you mean “Sports”?" in english
    assert await bot.services.chats.topics(READER) == []


async def test_a_name_far_from_every_topic_gets_no_guess(bot: Harness) -> None:
    reply = (await bot.say(READER, "/subscribe المريخ"))["text"]
    assert "هل تقصد" not in reply
    assert "لا أعرف موضوعًا باسم «المريخ»" in reply


@pytest.mark.parametrize(
    "command", ["/subscribe إيران روسيا", "/subscribe iran, russia", "/subscribe إيران وروسيا"]
)
async def test_several_topics_are_subscribed_at_once(bot: Harness, command: str) -> None:
    reply = (await bot.say(READER, command))["text"]
    assert sorted(await bot.services.chats.topics(READER)) == ["iran", "russia"]
    assert "إيران" in reply and "روسيا" in reply


async def test_a_name_of_several_words_stays_whole_among_others(bot: Harness) -> None:
    await bot.say(READER, "/subscribe جنوب القوقاز الحرب في أوكرانيا")
    assert sorted(await bot.services.chats.topics(READER)) == ["south_caucasus", "ukraine_war"]


async def test_one_unknown_name_among_several_changes_nothing(bot: Harness) -> None:
    reply = (await bot.say(READER, "/subscribe iran, روسا"))["text"]
    assert "هل تقصد «روسيا»؟" in reply
    assert await bot.services.chats.topics(READER) == []


async def test_several_topics_are_unsubscribed_at_once(bot: Harness) -> None:
    await bot.say(READER, "/subscribe iran russia turkey")
    reply = (await bot.say(READER, "/unsubscribe إيران، روسيا، الخليج"))["text"]
    assert await bot.services.chats.topics(READER) == ["turkey"]
    assert "لست مشتركًا في: الخليج" in reply
