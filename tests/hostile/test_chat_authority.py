"""Rights in a channel or a group are Telegram's, asked again every few minutes: a demoted
admin loses control of the digest, and a group member cannot switch the group's language."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.chat_admins import KEEP
from tests.bot.harness import FakeClock, Harness, running
from tests.fakes.bot_api import FakeBotAPI

OWNER, MEMBER = 5101, 5102
CHANNEL, GROUP = -100555, -100666
START = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@pytest.fixture
async def bot(fake_bot_api: FakeBotAPI, tmp_path: Path) -> AsyncIterator[Harness]:
    async with running(fake_bot_api, tmp_path, clock=FakeClock(START)) as harness:
        yield harness


def member_checks(api: FakeBotAPI, chat_id: int, user_id: int) -> int:
    return sum(
        1
        for method, params in api.requests
        if method == "getChatMember"
        and int(params["chat_id"]) == chat_id
        and int(params["user_id"]) == user_id
    )


async def set_up_channel(bot: Harness) -> None:
    api = bot.api
    api.add_chat(CHANNEL, "channel", title="قناة", username="mujaz_chan")
    api.set_member_status(CHANNEL, api.bot_id, "administrator")
    api.set_member_status(CHANNEL, OWNER, "administrator")
    assert "تضبط الآن موجز القناة" in (await bot.say(OWNER, "/channel @mujaz_chan"))["text"]


async def test_a_demoted_channel_admin_can_no_longer_change_its_digest(bot: Harness) -> None:
    await set_up_channel(bot)
    await bot.say(OWNER, "/time 07:00")
    bot.api.set_member_status(CHANNEL, OWNER, "member")
    bot.clock.now += KEEP + timedelta(seconds=1)

    refused = await bot.say(OWNER, "/time 09:30")
    assert "لا يضبط موجز «قناة» إلا مشرفوها" in refused["text"]
    channel = await bot.services.chats.get(CHANNEL)
    assert channel is not None and channel.schedule.times[0].strftime("%H:%M") == "07:00"
    owner = await bot.services.chats.get(OWNER)
    assert owner is not None and owner.editing_chat_id is None  # back to their own digest


async def test_rights_are_remembered_for_minutes_not_asked_per_command(bot: Harness) -> None:
    await set_up_channel(bot)
    asked = member_checks(bot.api, CHANNEL, OWNER)
    for command in ("/time 07:00", "/days daily", "/items 5"):
        await bot.say(OWNER, command)
    assert member_checks(bot.api, CHANNEL, OWNER) == asked
    bot.clock.now += KEEP + timedelta(seconds=1)
    await bot.say(OWNER, "/items 6")
    assert member_checks(bot.api, CHANNEL, OWNER) == asked + 1


async def test_a_group_member_cannot_switch_the_groups_language(bot: Harness) -> None:
    api = bot.api
    api.add_chat(GROUP, "supergroup", title="مجموعة")
    api.set_member_status(GROUP, OWNER, "administrator")
    api.set_member_status(GROUP, MEMBER, "member")

    async def in_group(user: int, text: str, language: str) -> None:
        before = len(api.messages_to(GROUP))
        api.user_sends(user, text, chat_type="supergroup", chat_id=GROUP, language_code=language)
        await api.wait_for_messages(GROUP, before + 1)

    await in_group(OWNER, "/start", "ar")
    await in_group(MEMBER, "/start", "en")
    group = await bot.services.chats.get(GROUP)
    assert group is not None and group.language == "ar"
    await in_group(OWNER, "/start", "en")
    group = await bot.services.chats.get(GROUP)
    assert group is not None and group.language == "en"
