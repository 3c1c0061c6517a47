"""What each answer of Telegram's makes of a send: sent, blocked, failed, moved."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram.ext import ExtBot

from bot.delivery import sender
from bot.delivery.lanes import Lane, Ticket, sending_as
from bot.delivery.outbox import Outbox
from bot.delivery.pacing import Limits
from bot.delivery.sender import Content, SendStatus, send_content, send_html
from bot.delivery.transport import AiohttpRequest
from tests.fakes.bot_api import FakeBotAPI

Bot = ExtBot[Ticket]


@pytest.fixture
async def bot(fake_bot_api: FakeBotAPI) -> AsyncIterator[Bot]:
    bot: Bot = ExtBot(
        fake_bot_api.token,
        base_url=f"{fake_bot_api.url}/bot",
        rate_limiter=Outbox(Limits.off()),
        request=AiohttpRequest(),
    )
    await bot.initialize()
    try:
        yield bot
    finally:
        await bot.shutdown()


@pytest.fixture(autouse=True)
def quick_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sender, "BACKOFF", (0.01, 0.02, 0.04))


async def test_blocked_deactivated_and_unknown_chats_are_blocked(
    bot: Bot, fake_bot_api: FakeBotAPI
) -> None:
    fake_bot_api.add_chat(1)
    fake_bot_api.block(1)
    assert (await send_html(bot, 1, ["x"])).status == SendStatus.BLOCKED
    assert (await send_html(bot, 2, ["x"])).status == SendStatus.BLOCKED  # chat not found
    fake_bot_api.add_chat(3)
    fake_bot_api.fail_next(
        "sendMessage", error_code=403, description="Forbidden: user is deactivated"
    )
    assert (await send_html(bot, 3, ["x"])).status == SendStatus.BLOCKED
    assert [m for m, *_ in fake_bot_api.rejected] == ["sendMessage"] * 3  # none retried


async def test_server_errors_are_retried_a_bounded_number_of_times(
    bot: Bot, fake_bot_api: FakeBotAPI
) -> None:
    fake_bot_api.add_chat(1)
    fake_bot_api.fail_next("sendMessage", error_code=502, description="Bad Gateway", times=2)
    assert (await send_html(bot, 1, ["a", "b"])) == sender.Outcome(SendStatus.SENT, 2)
    fake_bot_api.fail_next("sendMessage", error_code=500, description="Internal", times=9)
    outcome = await send_html(bot, 1, ["c"])
    assert outcome.status == SendStatus.FAILED and outcome.messages == 0
    assert len(fake_bot_api.rejected) == 2 + 4  # 1 try and 3 retries for "c"
    assert [m["text"] for m in fake_bot_api.messages_to(1)] == ["a", "b"]


async def test_a_refused_message_fails_without_retry(bot: Bot, fake_bot_api: FakeBotAPI) -> None:
    fake_bot_api.add_chat(1)
    outcome = await send_html(bot, 1, ["ok", "<b>broken"])
    assert outcome.status == SendStatus.FAILED and outcome.messages == 1
    assert "can't parse entities" in (outcome.error or "").lower()
    assert len(fake_bot_api.rejected) == 1


async def test_a_migrated_group_is_moved_and_gets_the_message(
    bot: Bot, fake_bot_api: FakeBotAPI
) -> None:
    moves: list[tuple[int, int]] = []

    async def move_chat(old: int, new: int) -> None:
        moves.append((old, new))

    fake_bot_api.add_chat(-5, "group")
    fake_bot_api.add_chat(-1005, "supergroup")
    fake_bot_api.fail_next(
        "copyMessage", error_code=400, description="Bad Request: group chat was upgraded",
        migrate_to_chat_id=-1005, chat_id=-5,
    )  # fmt: skip
    fake_bot_api.add_chat(9)
    source = fake_bot_api.user_sends(9, "أصل")
    content = Content(from_chat_id=9, message_id=source["message_id"])
    outcome = await send_content(bot, -5, content, move_chat=move_chat)
    assert outcome.status == SendStatus.SENT and outcome.chat_id == -1005
    assert moves == [(-5, -1005)]
    assert [m["text"] for m in fake_bot_api.messages_to(-1005)] == ["أصل"]


async def test_a_migrated_group_fails_when_nobody_can_move_its_settings(
    bot: Bot, fake_bot_api: FakeBotAPI
) -> None:
    fake_bot_api.add_chat(-5, "group")
    fake_bot_api.add_chat(-1005, "supergroup")
    fake_bot_api.fail_next(
        "sendMessage", error_code=400, description="Bad Request: group chat was upgraded",
        migrate_to_chat_id=-1005, chat_id=-5,
    )  # fmt: skip
    outcome = await send_html(bot, -5, ["x"])  # a script's bare send: no move_chat
    assert outcome == sender.Outcome(SendStatus.FAILED, 0, "chat migrated to -1005")
    assert fake_bot_api.messages_to(-1005) == []


async def test_messages_go_in_the_lane_of_the_code_that_sends_them(
    bot: Bot, fake_bot_api: FakeBotAPI
) -> None:
    outbox = bot.rate_limiter
    assert isinstance(outbox, Outbox)
    fake_bot_api.add_chat(1)
    replies = outbox.stats.requests[Lane.REPLY]  # getMe at start was one
    with sending_as(Lane.DIGEST):  # as the digest tick does
        await send_html(bot, 1, ["a", "b"])
    await send_html(bot, 1, ["c"])  # a /digest answer: a reply
    assert outbox.stats.requests[Lane.DIGEST] == 2
    assert outbox.stats.requests[Lane.REPLY] == replies + 1
