"""A reader's language and digits, as the real bot keeps them: digits follow the chat's
language unless the reader chose them, and the language follows the reader's Telegram."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.bot.digest_scenes import ingest, undated
from tests.bot.harness import FakeClock, Harness, running
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.feed_server import FeedServer
from tests.feeds import seed_item

READER = 6001
START = datetime(2026, 11, 30, 9, 58, 10, tzinfo=UTC)
ARABIC_INDIC = re.compile("[\u0660-\u0669]")


@pytest.fixture
async def bot(fake_bot_api: FakeBotAPI, tmp_path: Path) -> AsyncIterator[Harness]:
    async with running(fake_bot_api, tmp_path, clock=FakeClock(START)) as harness:
        yield harness


async def seed(bot: Harness, feed_server: FeedServer) -> None:
    await ingest(bot, feed_server, "outlet", [undated(seed_item())], at=START - timedelta(hours=5))


async def test_an_english_reader_gets_latin_digits_in_digests(
    bot: Harness, feed_server: FeedServer
) -> None:
    await seed(bot, feed_server)
    await bot.say(READER, "/start", language="en")
    await bot.say(READER, "/subscribe south_caucasus", language="en")
    digest = await bot.say(READER, "/digest", language="en")
    text = str(digest["text"])
    assert "Your digest" in text and "5 hours ago" in text
    assert not ARABIC_INDIC.search(text), text
    chat = await bot.services.chats.get(READER)
    assert chat is not None and chat.digits is None  # nobody chose: it follows the language


async def test_digests_follow_the_reader_after_a_language_switch(
    bot: Harness, feed_server: FeedServer
) -> None:
    await seed(bot, feed_server)
    await bot.say(READER, "/start", language="ar")
    await bot.say(READER, "/subscribe south_caucasus", language="ar")
    # The reader switches Telegram to English; no /start again.
    digest = await bot.say(READER, "/digest", language="en")
    assert "Your digest" in str(digest["text"])
    assert not ARABIC_INDIC.search(str(digest["text"]))
    chat = await bot.services.chats.get(READER)
    assert chat is not None and chat.language == "en"


async def test_digits_a_reader_chose_outlast_a_language_switch(
    bot: Harness, feed_server: FeedServer
) -> None:
    await seed(bot, feed_server)
    await bot.say(READER, "/subscribe south_caucasus", language="ar")
    await bot.say(READER, "/digits latin", language="ar")
    await bot.say(READER, "/mytopics", language="en")  # a while in English, then back
    digest = await bot.say(READER, "/digest", language="ar")
    text = str(digest["text"])
    assert "موجزك" in text and "5 ساعات" in text and not ARABIC_INDIC.search(text)
    chat = await bot.services.chats.get(READER)
    assert chat is not None and chat.digits == "latin"
    # And back to the language's own.
    assert "تتبع اللغة" in str((await bot.say(READER, "/digits auto", language="ar"))["text"])
    chat = await bot.services.chats.get(READER)
    assert chat is not None and chat.digits is None


async def test_a_message_without_a_language_code_keeps_the_readers_language(
    bot: Harness,
) -> None:
    await bot.say(READER, "/start", language="en")
    await bot.say(READER, "/mytopics", language=None)  # type: ignore[arg-type]
    chat = await bot.services.chats.get(READER)
    assert chat is not None and chat.language == "en"


async def test_start_without_a_language_code_keeps_the_readers_language(bot: Harness) -> None:
    await bot.say(READER, "/start", language="en")
    await bot.say(READER, "/start", language=None)  # type: ignore[arg-type]
    chat = await bot.services.chats.get(READER)
    assert chat is not None and chat.language == "en"
