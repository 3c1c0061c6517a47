"""The fake's forums: createForumTopic and message_thread_id checked as Telegram does."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot

from .bot_api import FakeBotAPI
from .test_fake_bot_api import bad_request

FORUM, GROUP = -1001, -1002


@pytest.fixture
async def bot(fake_bot_api: FakeBotAPI) -> AsyncIterator[Bot]:
    fake_bot_api.add_chat(FORUM, "supergroup", "منتدى", is_forum=True)
    fake_bot_api.add_chat(GROUP, "supergroup", "مجموعة")
    async with Bot(fake_bot_api.token, base_url=f"{fake_bot_api.url}/bot") as real_bot:
        yield real_bot


async def test_an_admin_bot_creates_a_thread_and_sends_into_it(
    fake_bot_api: FakeBotAPI, bot: Bot
) -> None:
    fake_bot_api.set_member_status(FORUM, fake_bot_api.bot_id, "administrator")
    topic = await bot.create_forum_topic(FORUM, "⚽ الرياضة")
    message = await bot.send_message(FORUM, "x", message_thread_id=topic.message_thread_id)
    assert message.message_thread_id == topic.message_thread_id
    assert fake_bot_api.forum_topics_created == [(FORUM, topic.message_thread_id, "⚽ الرياضة")]


async def test_creating_a_thread_needs_a_forum_and_admin_rights(
    fake_bot_api: FakeBotAPI, bot: Bot
) -> None:
    with bad_request("not enough rights to create a topic"):
        await bot.create_forum_topic(FORUM, "x")
    fake_bot_api.set_member_status(GROUP, fake_bot_api.bot_id, "administrator")
    with bad_request("the chat is not a forum"):
        await bot.create_forum_topic(GROUP, "x")


@pytest.mark.parametrize(("name", "reason"), [(" ", "TOPIC_TITLE_EMPTY"), ("x" * 129, "TOO_LONG")])
async def test_a_thread_name_has_one_to_128_characters(
    fake_bot_api: FakeBotAPI, bot: Bot, name: str, reason: str
) -> None:
    fake_bot_api.set_member_status(FORUM, fake_bot_api.bot_id, "administrator")
    with bad_request(reason):
        await bot.create_forum_topic(FORUM, name)


async def test_sending_to_an_unknown_or_deleted_thread_is_refused(
    fake_bot_api: FakeBotAPI, bot: Bot
) -> None:
    with bad_request("message thread not found"):
        await bot.send_message(FORUM, "x", message_thread_id=77)
    fake_bot_api.add_thread(FORUM, 77)
    await bot.send_message(FORUM, "x", message_thread_id=77)
    fake_bot_api.delete_thread(FORUM, 77)
    with bad_request("message thread not found"):
        await bot.send_message(FORUM, "x", message_thread_id=77)
    with bad_request("message thread not found"):
        await bot.send_message(GROUP, "x", message_thread_id=77)  # not a forum
