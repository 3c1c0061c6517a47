"""/addfeed of a feed in another language: the admin is told which and asked to confirm.

The real Application against the fake Bot API; the feeds come from the loopback server.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from tests.bot.harness import Harness, running
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.feed_server import FeedServer
from tests.feeds import rss
from tests.ingest.conftest import fixture
from tests.language_items import ENGLISH, GERMAN, items

ADMIN = 42
SLOW = 30.0  # the first check loads the language model (about a second, more when loaded)


@pytest.fixture
async def bot(fake_bot_api: FakeBotAPI, tmp_path: Path) -> AsyncIterator[Harness]:
    async with running(fake_bot_api, tmp_path, admin_ids=frozenset({ADMIN})) as harness:
        yield harness


def german_feed(feed_server: FeedServer, path: str = "/de.xml") -> str:
    """Nine German items and one English one."""
    entries = items(GERMAN) + items(ENGLISH[:1], site="https://wire.example", start=10)
    return feed_server.serve(path, rss(entries, title="Nachrichten"))


async def add_feed(bot: Harness, url: str, *, language: str = "ar") -> dict[str, Any]:
    """The admin sends /addfeed; returns the bot's answer after "checking"."""
    before = len(bot.api.messages_to(ADMIN))
    bot.api.user_sends(ADMIN, f"/addfeed {url}", language_code=language)
    return (await bot.api.wait_for_messages(ADMIN, before + 2, timeout=SLOW))[before + 1]


def buttons(message: dict[str, Any]) -> list[str]:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return [b["callback_data"] for row in rows for b in row]


async def press(bot: Harness, message: dict[str, Any], data: str) -> dict[str, Any]:
    """Press a button; returns the callback's answer."""
    answered = len(bot.api.callback_answers)
    bot.api.user_presses(ADMIN, message, data, allow_stale=True)
    await bot.api.wait_for(lambda: len(bot.api.callback_answers) > answered)
    return bot.api.callback_answers[answered]


async def test_a_german_feed_is_added_only_once_the_admin_says_add(
    bot: Harness, feed_server: FeedServer
) -> None:
    url = german_feed(feed_server)
    question = await add_feed(bot, url)
    assert "هذه الخلاصة بالألمانية على ما يبدو (٩ من ١٠ عناصر)." in question["text"]
    assert url in question["text"] and "/languages" in question["text"]
    add, drop = buttons(question)
    assert add.startswith("fa:add:") and drop.startswith("fa:drop:")
    assert add.split(":")[2] == drop.split(":")[2]
    assert await bot.services.feeds.count() == 0  # nothing saved before the answer

    assert (await press(bot, question, add)).get("text") is None
    await bot.api.wait_for(lambda: "أُضيف المصدر" in bot.api.messages_to(ADMIN)[-1]["text"])
    done = bot.api.messages_to(ADMIN)[-1]
    assert done["message_id"] == question["message_id"] and not buttons(done)  # edited in place
    assert (
        "أُضيف المصدر رقم ١: Nachrichten" in done["text"]
        and "وجدت في الخلاصة ١٠ عناصر" in done["text"]
    )
    feed = await bot.services.feeds.by_url(url)
    assert feed is not None and feed.title == "Nachrichten"

    # The same press again (a client with an old view) adds nothing more.
    again = await press(bot, question, add)
    assert "انتهت مهلة هذا التأكيد أو أُجيب من قبل" in again["text"]
    assert await bot.services.feeds.count() == 1
    assert bot.api.rejected == []


async def test_cancel_forged_and_late_answers_add_nothing(
    bot: Harness, feed_server: FeedServer
) -> None:
    url = german_feed(feed_server)
    question = await add_feed(bot, url)
    add, drop = buttons(question)
    token = add.removeprefix("fa:add:")
    for forged in ("fa:add:AAAAAAAA", "fa:add:" + token[:7] + ("x" if token[7] != "x" else "y")):
        assert "انتهت مهلة" in (await press(bot, question, forged))["text"], forged
    for garbage in ("fa:add:" + token + "0", "fa:add:" + token[:7], "fa:add:" + token + ";"):
        assert (await press(bot, question, garbage)).get("text") is None, garbage
    assert await bot.services.feeds.count() == 0

    await press(bot, question, drop)
    await bot.api.wait_for(lambda: "لم أُضف الخلاصة" in bot.api.messages_to(ADMIN)[-1]["text"])
    assert "انتهت مهلة" in (await press(bot, question, add))["text"]

    late = await add_feed(bot, url)
    bot.clock.now += timedelta(minutes=11)
    assert "انتهت مهلة" in (await press(bot, late, buttons(late)[0]))["text"]
    assert await bot.services.feeds.count() == 0
    assert bot.api.rejected == []


async def test_an_english_admin_is_asked_in_english(bot: Harness, feed_server: FeedServer) -> None:
    question = await add_feed(bot, german_feed(feed_server), language="en")
    assert "This feed looks like it is in German (9 of 10 items)." in question["text"]
    labels = [b["text"] for row in question["reply_markup"]["inline_keyboard"] for b in row]
    assert labels == ["➕ Add it", "✖️ Cancel"]


async def test_an_arabic_feed_is_added_at_once(bot: Harness, feed_server: FeedServer) -> None:
    url = feed_server.serve("/ar.xml", fixture("rss20-arabic-utf8.xml"))
    added = await add_feed(bot, url)
    assert "أُضيف المصدر رقم ١" in added["text"] and not buttons(added)


async def test_the_cli_prints_the_language_and_adds(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    feed_server: FeedServer,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FEEDS_FILE", "/dev/null")
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "mujaz.db"))
    monkeypatch.setenv("ALLOW_PRIVATE_FEEDS", "1")
    # `mujaz` runs its own event loop: in a thread, so this one serves the feed meanwhile.
    assert await asyncio.to_thread(main, ["feeds", "add", german_feed(feed_server)]) == 0
    out, err = capsys.readouterr()
    assert "added #1 Nachrichten" in out and "language de (9 of 10 items)" in out
    assert "mostly not Arabic (de)" in err
