"""Commands run only from new messages, addressed to us: an edit of an old message does not
re-run it, a channel's own posts are not commands, and in a group another bot's command or an
unknown one not addressed to us gets silence."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.bot.harness import Harness, running
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.feed_server import FeedServer
from tests.feeds import rss, seed_item

ADMIN, MEMBER = 6101, 6102
GROUP, CHANNEL = -100881, -100882
UNKNOWN = "لا أعرف هذا الأمر"


@pytest.fixture
async def bot(fake_bot_api: FakeBotAPI, tmp_path: Path) -> AsyncIterator[Harness]:
    async with running(fake_bot_api, tmp_path, admin_ids=frozenset({ADMIN})) as harness:
        yield harness


async def settled(bot: Harness, user: int) -> int:
    """A round trip through the bot: every update queued before it has been handled."""
    before = len(bot.api.messages_to(user))
    await bot.say(user, "/help")
    return before


async def test_editing_an_old_message_into_a_command_runs_nothing(
    bot: Harness, feed_server: FeedServer
) -> None:
    url = feed_server.serve("/news.xml", rss([seed_item()]))
    await bot.services.feeds.add(url)
    (feed,) = await bot.services.feeds.all()
    chatter = bot.api.user_sends(ADMIN, "صباح الخير")
    bot.api.user_edits(chatter, f"/removefeed {feed.id}")
    await settled(bot, ADMIN)
    assert [f.id for f in await bot.services.feeds.all()] == [feed.id]
    said = [m.get("text", "") for m in bot.api.messages_to(ADMIN)]
    assert not any("أأحذف" in text or "حُذف" in text for text in said)


async def test_a_channel_post_that_looks_like_a_command_gets_no_answer(bot: Harness) -> None:
    bot.api.add_chat(CHANNEL, "channel", title="قناة")
    bot.api.set_member_status(CHANNEL, bot.api.bot_id, "administrator")
    bot.api.channel_posts(CHANNEL, "/start")
    bot.api.channel_posts(CHANNEL, "/nosuchcommand")
    await settled(bot, ADMIN)
    assert bot.api.messages_to(CHANNEL) == []


async def test_in_a_group_only_commands_for_us_are_answered(bot: Harness) -> None:
    api = bot.api
    api.add_chat(GROUP, "supergroup", title="مجموعة")

    def in_group(text: str) -> None:
        api.user_sends(MEMBER, text, chat_type="supergroup", chat_id=GROUP)

    in_group("/start@otherbot")
    in_group("/nosuchcommand")
    in_group("/weather@otherbot Baku")
    await settled(bot, ADMIN)
    assert api.messages_to(GROUP) == []
    in_group(f"/nosuchcommand@{api.bot_username}")
    (answer,) = await api.wait_for_messages(GROUP, 1)
    assert UNKNOWN in answer["text"]


async def test_in_a_private_chat_an_unknown_command_is_still_answered(bot: Harness) -> None:
    answer = await bot.say(MEMBER, "/nosuchcommand")
    assert UNKNOWN in answer["text"]
