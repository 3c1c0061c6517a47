"""A private instance (ALLOWED_CHATS) through the real Application and the fake Bot API:
chats outside the list get one polite line, once, and nothing else."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.bot.digest_scenes import ingest, tick, undated
from tests.bot.harness import FakeClock, Harness, running
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.feed_server import FeedServer
from tests.feeds import SEED_URL, seed_item

LISTED, BY_NAME, STRANGER, ADMIN = 7002, 7003, 7005, 7009
LISTED_GROUP, OTHER_GROUP, OTHER_CHANNEL = -100991, -100990, -100992
PRIVATE = {"allowed_chats": f"{LISTED}, @Friend_One, {LISTED_GROUP}", "admin_ids": {ADMIN}}
START = datetime(2026, 11, 30, 9, 58, 10, tzinfo=UTC)  # 12:58:10 in Riyadh
REFUSED = "هذا البوت خاص"


def private(api: FakeBotAPI, tmp_path: Path, clock: FakeClock | None = None, **more: Any) -> Any:
    options: dict[str, Any] = {**PRIVATE, "flood_commands": 100, **more}
    return running(api, tmp_path, clock=clock or FakeClock(START), **options)


async def settled(bot: Harness) -> None:
    """A round trip through an allowed chat: the updates queued before it are handled."""
    await bot.say(ADMIN, "/help")


def texts(api: FakeBotAPI, chat_id: int) -> list[str]:
    return [str(m.get("text")) for m in api.messages_to(chat_id)]


async def test_a_chat_outside_allowed_chats_gets_one_polite_line_and_nothing_else(
    fake_bot_api: FakeBotAPI, tmp_path: Path
) -> None:
    api = fake_bot_api
    async with private(api, tmp_path) as bot:
        assert REFUSED in (await bot.say(STRANGER, "/start"))["text"]
        for text in ("/start", "/help", "/topics", "/mute كرة القدم", "مرحبا", "/digest"):
            api.user_sends(STRANGER, text)
        await settled(bot)
        assert len(texts(api, STRANGER)) == 1
        assert await bot.services.chats.get(STRANGER) is None  # nothing stored of theirs
        english = await bot.say(STRANGER + 1, "/start", language="en")
        assert "This is a private bot" in english["text"]
    async with private(api, tmp_path) as bot:  # told once ever, across restarts
        api.user_sends(STRANGER, "/start")
        await settled(bot)
        assert len(texts(api, STRANGER)) == 1
    assert api.rejected == []


async def test_listed_ids_and_usernames_and_admins_are_served(
    fake_bot_api: FakeBotAPI, tmp_path: Path
) -> None:
    api = fake_bot_api
    async with private(api, tmp_path):
        for user, name in ((LISTED, None), (BY_NAME, "friend_ONE"), (ADMIN, None)):
            api.user_sends(user, "/start", username=name)
            (welcome,) = await api.wait_for_messages(user, 1)
            assert "أهلًا بك في" in str(welcome["text"]), user
        # A listed username that changed hands is no longer served: the chat is told once.
        api.user_sends(BY_NAME, "/help", username="someone_else")
        assert REFUSED in str((await api.wait_for_messages(BY_NAME, 2))[1]["text"])


async def test_a_group_that_adds_the_bot_outside_the_list_is_told_once(
    fake_bot_api: FakeBotAPI, tmp_path: Path
) -> None:
    api = fake_bot_api
    api.add_chat(OTHER_GROUP, "supergroup", title="مجموعة أخرى")
    api.add_chat(LISTED_GROUP, "supergroup", title="مجموعة العائلة")
    async with private(api, tmp_path) as bot:
        api.bot_added(OTHER_GROUP, by_user=LISTED)
        (told,) = await api.wait_for_messages(OTHER_GROUP, 1)
        assert REFUSED in str(told["text"])
        for text in ("/start", f"/topics@{api.bot_username}", "/nosuch"):
            api.user_sends(LISTED, text, chat_type="supergroup", chat_id=OTHER_GROUP)
        api.bot_added(OTHER_GROUP, by_user=LISTED, status="administrator")  # re-added
        api.bot_added(LISTED_GROUP, by_user=LISTED)
        (welcome,) = await api.wait_for_messages(LISTED_GROUP, 1)
        assert "مجموعة العائلة" in str(welcome["text"])
        await settled(bot)
        assert len(texts(api, OTHER_GROUP)) == 1
    assert api.rejected == []


async def test_a_channel_outside_the_list_cannot_be_set_up(
    fake_bot_api: FakeBotAPI, tmp_path: Path
) -> None:
    api = fake_bot_api
    api.add_chat(OTHER_CHANNEL, "channel", title="قناة أخرى", username="other_news")
    for user in (LISTED, api.bot_id):
        api.set_member_status(OTHER_CHANNEL, user, "administrator")
    async with private(api, tmp_path) as bot:
        reply = await bot.say(LISTED, "/channel @other_news")
        assert "ليست ممن أذن لهم" in reply["text"]
        me = await bot.services.chats.get(LISTED)
        assert me is not None and me.editing_chat_id is None


async def test_chats_known_from_an_open_instance_get_no_digests_or_broadcasts_once_unlisted(
    fake_bot_api: FakeBotAPI, feed_server: FeedServer, tmp_path: Path
) -> None:
    api, clock = fake_bot_api, FakeClock(START)
    async with running(api, tmp_path, clock=clock) as bot:  # open to everyone
        at = START - timedelta(hours=1)
        await ingest(bot, feed_server, "outlet", [undated(seed_item())], at=at)
        for reader in (LISTED, STRANGER):
            await bot.say(reader, "/subscribe south_caucasus")
            await bot.say(reader, "/time 13:00")
    async with private(api, tmp_path, clock) as bot:
        assert await bot.services.broadcasts.repo.audience(None) == 1
        clock.now = START + timedelta(minutes=2)
        assert await tick(bot) == {"sent": 1}
        assert any(SEED_URL in str(m.get("html")) for m in api.messages_to(LISTED))
        assert not any(SEED_URL in str(m.get("html")) for m in api.messages_to(STRANGER))
    async with running(api, tmp_path, clock=clock) as bot:  # open again: nothing was lost
        receiving = {chat.chat_id for chat in await bot.services.chats.receiving()}
        assert receiving == {LISTED, STRANGER}
        assert await bot.services.broadcasts.repo.audience(None) == 2


async def test_a_chat_allowed_by_its_username_keeps_its_digests_after_a_restart(
    fake_bot_api: FakeBotAPI, feed_server: FeedServer, tmp_path: Path
) -> None:
    api, clock = fake_bot_api, FakeClock(START)
    async with private(api, tmp_path, clock) as bot:
        at = START - timedelta(hours=1)
        await ingest(bot, feed_server, "outlet", [undated(seed_item())], at=at)
        for command in ("/subscribe south_caucasus", "/time 13:00"):
            api.user_sends(BY_NAME, command, username="Friend_One")
        await api.wait_for_messages(BY_NAME, 2)
    clock.now = START + timedelta(minutes=2)
    async with private(api, tmp_path, clock) as bot:  # no update from it since the start
        assert await tick(bot) == {"sent": 1}
    assert any(SEED_URL in str(m.get("html")) for m in api.messages_to(BY_NAME))
