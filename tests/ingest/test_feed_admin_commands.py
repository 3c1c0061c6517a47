"""/feeds, /addfeed and /removefeed through the real Application and the fake Bot API."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.bot.harness import Harness, running
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.feed_server import FeedServer
from tests.ingest.conftest import fixture

ADMIN, STRANGER = 42, 77


@pytest.fixture
async def bot(fake_bot_api: FakeBotAPI, tmp_path: Path) -> AsyncIterator[Harness]:
    async with running(fake_bot_api, tmp_path, admin_ids=frozenset({ADMIN})) as harness:
        yield harness


async def test_admin_adds_lists_and_removes_feeds(
    bot: Harness, feed_server: FeedServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="handlers.feeds")
    caplog.set_level(logging.INFO, logger="handlers.feed_removal")
    feed_url = feed_server.serve("/feeds/rss20-arabic-utf8.xml", fixture("rss20-arabic-utf8.xml"))
    home = feed_server.serve("/", fixture("html-with-feed-link.html"), content_type="text/html")

    assert "اكتب رابط الخلاصة" in (await bot.say(ADMIN, "/addfeed"))["text"]
    assert "ليس رابط http" in (await bot.say(ADMIN, "/addfeed ftp://example.org/x"))["text"]

    bot.api.user_sends(ADMIN, f"/addfeed {home}")
    checking, added = (await bot.api.wait_for_messages(ADMIN, 4))[2:4]
    assert "أجرّب جلب المصدر" in checking["text"]
    assert "أُضيف المصدر رقم ١: أخبار تجريبية" in added["text"]
    assert feed_url in added["text"] and "وجدت في الخلاصة ٦ عناصر" in added["text"]
    feed = await bot.services.feeds.by_url(feed_url)
    assert feed is not None

    bot.api.user_sends(ADMIN, f"/addfeed {feed_server.url('/missing.xml')}")
    failed = (await bot.api.wait_for_messages(ADMIN, 6))[5]
    assert "لم أحفظ المصدر: الصفحة غير موجودة" in failed["text"] and "http-404" in failed["text"]

    await bot.services.ingestor.run([feed])
    await bot.services.feeds.add(feed_server.url("/down.xml"))
    await bot.services.ingestor.run(await bot.services.feeds.all())
    listing = (await bot.say(ADMIN, "/feeds"))["text"]
    assert "المصادر: مصدران، المتعثر منها: ١." in listing
    assert "١. أخبار تجريبية" in listing and "آخر ٢٤ ساعة: ٦ أخبار" in listing
    assert "لم ينجح بعد" in listing and "⚠️ متعثر: الصفحة غير موجودة على الخادم (404)." in listing

    english = (await bot.say(ADMIN, "/feeds", language="en"))["text"]
    assert "Feeds: 2 feeds, failing: 1." in english and "last 24 h: 6 stories" in english

    assert "لا يوجد مصدر برقم" in (await bot.say(ADMIN, "/removefeed 99"))["text"]
    question = await bot.say(ADMIN, f"/removefeed {feed.id}")
    bot.api.user_presses(ADMIN, question, f"rf:del:{feed.id}")
    await bot.api.wait_for(lambda: "حُذف المصدر" in bot.api.messages_to(ADMIN)[-1]["text"])
    done = bot.api.messages_to(ADMIN)[-1]["text"]
    assert "حُذف المصدر رقم ١: أخبار تجريبية، ومعه ٦ أخبار." in done
    assert await bot.services.articles.count() == 0
    assert f": removed feed 1 {feed_url} (6 articles)" in caplog.text  # who did what is logged
    assert f": added feed 1 {feed_url}" in caplog.text
    assert bot.api.rejected == []


async def test_feed_commands_do_not_exist_for_others(bot: Harness, feed_server: FeedServer) -> None:
    unknown = (await bot.say(STRANGER, "/nosuchcommand"))["text"]
    for command in ("/feeds", f"/addfeed {feed_server.url('/x.xml')}", "/removefeed 1"):
        assert (await bot.say(STRANGER, command))["text"] == unknown
    assert feed_server.requests == []
