"""/silent and /preview through the real Application and the fake Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.delivery.digest_pool import RunPools
from tests.bot.digest_scenes import ingest, tick, undated
from tests.bot.harness import FakeClock, Harness, running
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.feed_server import FeedServer
from tests.feeds import SEED_URL, seed_item

READER, OTHER, ADMIN, MEMBER = 6001, 6002, 6003, 6004
GROUP, CHANNEL = -100661, -100662
START = datetime(2026, 11, 30, 9, 58, 10, tzinfo=UTC)  # 12:58:10 in Riyadh
DUE = START + timedelta(minutes=2)


@pytest.fixture
async def bot(fake_bot_api: FakeBotAPI, tmp_path: Path) -> AsyncIterator[Harness]:
    clock = FakeClock(START)
    async with running(fake_bot_api, tmp_path, clock=clock, flood_commands=100) as harness:
        yield harness


async def seed_and_schedule(bot: Harness, feed_server: FeedServer, *readers: int) -> None:
    """The seed article an hour ago; each reader on the South Caucasus at 13:00."""
    await ingest(bot, feed_server, "outlet", [undated(seed_item())], at=START - timedelta(hours=1))
    for reader in readers:
        await bot.say(reader, "/subscribe south_caucasus")
        await bot.say(reader, "/time 13:00")


def digest_requests(api: FakeBotAPI, chat_id: int) -> list[dict[str, Any]]:
    return [
        p
        for method, p in api.requests
        if method == "sendMessage" and p.get("chat_id") == chat_id and SEED_URL in str(p["text"])
    ]


async def group_says(api: FakeBotAPI, user: int, text: str) -> dict[str, Any]:
    before = len(api.messages_to(GROUP))
    api.user_sends(user, text, chat_type="supergroup", chat_id=GROUP)
    return (await api.wait_for_messages(GROUP, before + 1))[before]


async def test_silent_scheduled_digests_arrive_without_a_notification(
    bot: Harness, feed_server: FeedServer
) -> None:
    await seed_and_schedule(bot, feed_server, READER, OTHER)
    assert "بلا تنبيه" in (await bot.say(READER, "/silent on"))["text"]
    assert "/silent on" in (await bot.say(READER, "/silent"))["text"]
    assert "بلا تنبيه" in (await bot.say(READER, "/silent"))["text"]
    assert "اكتب on للتشغيل" in (await bot.say(READER, "/silent maybe"))["text"]
    assert "without a notification" in (await bot.say(READER, "/silent", language="en"))["text"]

    bot.clock.now = DUE
    assert await tick(bot) == {"sent": 2}
    (silent,) = digest_requests(bot.api, READER)
    (loud,) = digest_requests(bot.api, OTHER)
    assert silent.get("disable_notification") is True
    assert "disable_notification" not in loud
    assert bot.api.rejected == []


async def test_silent_off_brings_the_notification_back_and_asked_digests_always_notify(
    bot: Harness, feed_server: FeedServer
) -> None:
    await seed_and_schedule(bot, feed_server, READER)
    await bot.say(READER, "/silent on")
    bot.api.user_sends(READER, "/digest")  # asked for: the reader is there, nothing to hush
    await bot.api.wait_for(lambda: len(digest_requests(bot.api, READER)) == 1)
    assert "disable_notification" not in digest_requests(bot.api, READER)[0]
    assert "مع تنبيه" in (await bot.say(READER, "/silent off"))["text"]
    chat = await bot.services.chats.get(READER)
    assert chat is not None and not chat.silent


async def test_a_groups_admins_choose_silent_and_preview_for_it(
    bot: Harness, feed_server: FeedServer
) -> None:
    api = bot.api
    api.add_chat(GROUP, "supergroup", title="نادي الأخبار")
    api.set_member_status(GROUP, ADMIN, "administrator")
    api.set_member_status(GROUP, MEMBER, "member")
    for command in ("/silent on", "/preview on"):
        assert "لمشرفيها فقط" in (await group_says(api, MEMBER, command))["text"]
    group = await bot.services.chats.get(GROUP)
    assert group is not None and not group.silent and not group.link_preview

    await group_says(api, ADMIN, "/subscribe south_caucasus")
    await group_says(api, ADMIN, "/time 13:00")
    await group_says(api, ADMIN, "/silent on")
    await group_says(api, ADMIN, "/preview on")
    await ingest(bot, feed_server, "outlet", [undated(seed_item())], at=START - timedelta(hours=1))
    bot.clock.now = DUE
    assert await tick(bot) == {"sent": 1}
    (posted,) = digest_requests(api, GROUP)
    assert posted["disable_notification"] is True
    assert posted["link_preview_options"]["url"] == SEED_URL
    assert api.rejected == []


async def test_a_channel_set_up_from_a_private_chat_takes_its_admins_choice(
    bot: Harness,
) -> None:
    api = bot.api
    api.add_chat(CHANNEL, "channel", title="قناة الموجز", username="mujaz_news")
    for user in (ADMIN, api.bot_id):
        api.set_member_status(CHANNEL, user, "administrator")
    await bot.say(ADMIN, "/channel @mujaz_news")
    await bot.say(ADMIN, "/silent on")
    await bot.say(ADMIN, "/preview on")
    channel = await bot.services.chats.get(CHANNEL)
    admin = await bot.services.chats.get(ADMIN)
    assert channel is not None and channel.silent and channel.link_preview
    assert admin is not None and not admin.silent and not admin.link_preview


async def test_preview_shows_the_lead_story_large_above_the_first_message(
    bot: Harness, feed_server: FeedServer
) -> None:
    await seed_and_schedule(bot, feed_server, READER, OTHER)
    assert "معاينة كبيرة" in (await bot.say(READER, "/preview on"))["text"]
    assert "/preview off" in (await bot.say(READER, "/preview"))["text"]
    assert "اكتب on للتشغيل" in (await bot.say(READER, "/preview كبيرة"))["text"]

    bot.clock.now = DUE
    assert await tick(bot) == {"sent": 2}
    (with_preview,) = digest_requests(bot.api, READER)
    (plain,) = digest_requests(bot.api, OTHER)
    assert with_preview["link_preview_options"] == {
        "url": SEED_URL,
        "prefer_large_media": True,
        "show_above_text": True,
    }
    assert plain["link_preview_options"] == {"is_disabled": True}
    shown = [m for m in bot.api.messages_to(READER) if SEED_URL in str(m.get("html"))]
    assert shown[-1]["link_preview_options"]["url"] == SEED_URL
    assert bot.api.rejected == []


async def test_chats_with_different_silent_or_preview_choices_never_share_a_rendering(
    bot: Harness, feed_server: FeedServer
) -> None:
    await seed_and_schedule(bot, feed_server, READER, OTHER, ADMIN, MEMBER)
    await bot.say(OTHER, "/silent on")
    await bot.say(ADMIN, "/preview on")
    digests = bot.services.digests
    await digests.planner.fill(DUE, digests.runs.start)
    page = await digests.planner.page(DUE)
    pools = RunPools(bot.services.stories, DUE)
    composed = {}
    pool = None
    for due in page.dues:
        pool = await pools.get(due.up_to, page.phrases, page.mutes)
        composed[due.chat.chat_id] = digests.composer.compose(due.chat, due.topics, pool, now=DUE)
    assert pool is not None
    assert composed[READER] is composed[MEMBER]  # the same choices: one rendering
    assert composed[OTHER] is not composed[READER] and composed[OTHER].silent
    assert composed[ADMIN] is not composed[READER] and composed[ADMIN].preview_url == SEED_URL
    assert composed[READER].preview_url is None and not composed[READER].silent
    assert pool.rendered == 3
