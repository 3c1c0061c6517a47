"""A command with a huge argument gets the usual sentence for a bad argument, quoting at
most 64 characters of what was typed; nothing of the rest reaches the reply."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.render import ECHO_CHARS
from tests.bot.harness import Harness, running
from tests.fakes.bot_api import FakeBotAPI

USER = 4242
HUGE = "ق" * 3000 + "TAIL-MARK"


@pytest.fixture
async def bot(fake_bot_api: FakeBotAPI, tmp_path: Path) -> AsyncIterator[Harness]:
    async with running(fake_bot_api, tmp_path) as harness:
        await harness.say(USER, "/start")
        yield harness


@pytest.mark.parametrize(
    ("command", "sentence"),
    [
        ("/timezone", "لا أعرف المنطقة الزمنية"),
        ("/time", "لم أفهم الوقت"),
        ("/days", "لم أفهم الأيام"),
        ("/subscribe", "لا أعرف موضوعًا باسم"),
        ("/quiet", "لم أفهم ساعات الهدوء"),
        ("/mute", "طويلة"),
        ("/unmute", "لم تكتم"),
        ("/silent", "اكتب on للتشغيل"),
    ],
)
async def test_a_huge_argument_is_quoted_back_clipped(
    bot: Harness, command: str, sentence: str
) -> None:
    answer = await bot.say(USER, f"{command} {HUGE}")
    text = answer["text"]
    assert sentence in text
    assert "TAIL-MARK" not in text
    assert "ق" * ECHO_CHARS not in text
    assert len(text) < 600
