"""/digest while an admin sets up a channel from their private chat: a preview there, and
the channel gets a post only on Publish. Posts to channels and groups speak to nobody in
particular: no "your digest", no reader's commands."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.bot.digest_scenes import ingest, undated
from tests.bot.harness import FakeClock, Harness, running
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.feed_server import FeedServer
from tests.feeds import seed_item

ADMIN, OTHER = 9001, 9002
CHANNEL, GROUP = -100555, -100556
START = datetime(2026, 11, 30, 9, 58, 10, tzinfo=UTC)
HEADLINE = "زيارة غير واضحة المعالم"
READER_WORDING = ("موجزك", "/topics", "/time", "/items", "/digest")


@pytest.fixture
async def bot(fake_bot_api: FakeBotAPI, tmp_path: Path) -> AsyncIterator[Harness]:
    async with running(fake_bot_api, tmp_path, clock=FakeClock(START)) as harness:
        yield harness


async def set_up_channel(bot: Harness, feed_server: FeedServer) -> None:
    api = bot.api
    api.add_chat(CHANNEL, "channel", title="قناة الموجز", username="mujaz_chan")
    api.set_member_status(CHANNEL, ADMIN, "administrator")
    api.set_member_status(CHANNEL, api.bot_id, "administrator")
    assert "تضبط الآن موجز القناة" in (await bot.say(ADMIN, "/channel @mujaz_chan"))["text"]
    await bot.say(ADMIN, "/subscribe south_caucasus")
    await ingest(bot, feed_server, "outlet", [undated(seed_item())], at=START - timedelta(hours=1))


async def preview(bot: Harness) -> list[dict[str, Any]]:
    """/digest from the admin's chat: what it showed, up to the question with the buttons."""
    api = bot.api
    before = len(api.messages_to(ADMIN))
    api.user_sends(ADMIN, "/digest")
    await api.wait_for(lambda: "reply_markup" in api.messages_to(ADMIN)[-1])
    return api.messages_to(ADMIN)[before:]


def button(message: dict[str, Any], n: int) -> str:
    return str(message["reply_markup"]["inline_keyboard"][0][n]["callback_data"])


async def test_digest_in_setup_mode_previews_privately_and_publishes_on_the_button(
    bot: Harness, feed_server: FeedServer
) -> None:
    api = bot.api
    await set_up_channel(bot, feed_server)
    shown = await preview(bot)
    ask = shown[-1]
    assert "reply_markup" in ask and "قناة الموجز" in str(ask["text"])
    assert any(HEADLINE in str(m["text"]) for m in shown)  # the post, as it would look
    assert api.messages_to(CHANNEL) == []  # nothing published yet
    channel = await bot.services.chats.get(CHANNEL)
    assert channel is not None and channel.last_article_id is None  # its mark has not moved

    api.user_presses(ADMIN, ask, button(ask, 0))
    (post,) = await api.wait_for_messages(CHANNEL, 1)
    assert HEADLINE in str(post["text"])
    for wording in READER_WORDING:
        assert wording not in str(post["text"]), wording
    await api.wait_for(lambda: "نُشر الموجز" in str(api.messages_to(ADMIN)[-1]["text"]))

    # Pressed again (a double tap, or an old preview): nothing goes out twice.
    api.user_presses(ADMIN, ask, button(ask, 0), allow_stale=True)
    await api.wait_for(lambda: len(api.callback_answers) == 2)
    await api.wait_for(lambda: "لا جديد" in str(api.messages_to(ADMIN)[-1]["text"]))
    assert len(api.messages_to(CHANNEL)) == 1
    assert api.rejected == []


async def test_a_preview_not_published_leaves_the_channel_alone(
    bot: Harness, feed_server: FeedServer
) -> None:
    api = bot.api
    await set_up_channel(bot, feed_server)
    ask = (await preview(bot))[-1]
    api.user_presses(ADMIN, ask, button(ask, 1))
    await api.wait_for(lambda: "لم يُنشر شيء" in str(api.messages_to(ADMIN)[-1]["text"]))
    assert api.messages_to(CHANNEL) == []


async def test_only_the_channels_admin_can_publish_its_preview(
    bot: Harness, feed_server: FeedServer
) -> None:
    api = bot.api
    await set_up_channel(bot, feed_server)
    ask = (await preview(bot))[-1]
    # Someone who forged the button data in their own chat with the bot.
    await bot.say(OTHER, "/start")
    api.user_presses(OTHER, api.messages_to(OTHER)[-1], button(ask, 0), allow_stale=True)
    await api.wait_for(lambda: len(api.callback_answers) == 1)
    assert "لا يضبط موجز" in str(api.callback_answers[0].get("text"))
    assert api.messages_to(CHANNEL) == []


async def test_a_groups_digest_carries_no_private_reader_footer(
    bot: Harness, feed_server: FeedServer
) -> None:
    api = bot.api
    api.add_chat(GROUP, "supergroup", title="نادي الأخبار")
    api.set_member_status(GROUP, ADMIN, "administrator")
    api.user_sends(ADMIN, "/subscribe south_caucasus", chat_type="supergroup", chat_id=GROUP)
    await api.wait_for_messages(GROUP, 1)
    await ingest(bot, feed_server, "outlet", [undated(seed_item())], at=START - timedelta(hours=1))
    api.user_sends(ADMIN, "/digest", chat_type="supergroup", chat_id=GROUP)
    digest = (await api.wait_for_messages(GROUP, 2))[-1]
    assert HEADLINE in str(digest["text"])
    for wording in READER_WORDING:
        assert wording not in str(digest["text"]), wording
    api.user_sends(ADMIN, "/digest", chat_type="supergroup", chat_id=GROUP)
    nothing = (await api.wait_for_messages(GROUP, 3))[-1]
    assert "لا جديد" in str(nothing["text"]) and "موجزك" not in str(nothing["text"])
