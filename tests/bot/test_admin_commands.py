"""Admin commands exist only for ADMIN_IDS; for anyone else they are unknown commands."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.bot.harness import Harness, running
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.feed_server import FeedServer
from tests.feeds import rss, seed_item

ADMIN, STRANGER = 42, 77


@pytest.fixture
async def bot(fake_bot_api: FakeBotAPI, tmp_path: Path) -> AsyncIterator[Harness]:
    async with running(fake_bot_api, tmp_path, admin_ids=frozenset({ADMIN})) as harness:
        yield harness


async def test_non_admin_gets_the_unknown_command_reply_and_nothing_runs(
    bot: Harness, feed_server: FeedServer
) -> None:
    url = feed_server.serve("/news.xml", rss([seed_item()]))
    await bot.services.feeds.add(url)
    unknown = (await bot.say(STRANGER, "/nosuchcommand"))["text"]
    reply = await bot.say(STRANGER, "/ingest")
    assert reply["text"] == unknown
    assert feed_server.requests == []
    assert len(bot.api.messages_to(STRANGER)) == 2


async def test_admin_ingest_reports_the_pass(bot: Harness, feed_server: FeedServer) -> None:
    await bot.services.feeds.add(feed_server.serve("/news.xml", rss([seed_item()])))
    await bot.services.feeds.add(feed_server.url("/gone.xml"))
    bot.api.user_sends(ADMIN, "/ingest")
    messages = await bot.api.wait_for_messages(ADMIN, 2)
    assert "بدأت جولة جلب" in messages[0]["text"]
    done = messages[1]["text"]
    assert "انتهت الجولة: مصدران، الجديد: خبر واحد، تعذّر جلب مصدر واحد." in done
    assert "gone.xml (http-404)" in done
    assert bot.api.rejected == []
