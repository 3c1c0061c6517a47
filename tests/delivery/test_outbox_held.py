"""How long 429s have held bulk sending, as /healthz, /metrics and the alert read it
(virtual loop time: ten minutes of 429 pauses cost no real time)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from telegram.ext import ExtBot

from bot.delivery.lanes import Lane, Ticket, sending_as
from bot.delivery.outbox import Outbox
from bot.delivery.pacing import Limit, Limits
from bot.delivery.sender import SendStatus, send_html
from tests.fakes.bot_api import FakeBotAPI

pytestmark = pytest.mark.looptime


@pytest.fixture
async def bot(fake_bot_api: FakeBotAPI) -> AsyncIterator[ExtBot[Ticket]]:
    bot: ExtBot[Ticket] = ExtBot(
        fake_bot_api.token,
        base_url=f"{fake_bot_api.url}/bot",
        rate_limiter=Outbox(Limits(overall=Limit(30, 1.0))),
    )
    await bot.initialize()
    yield bot
    await bot.shutdown()


def outbox_of(bot: ExtBot[Ticket]) -> Outbox:
    assert isinstance(bot.rate_limiter, Outbox)
    return bot.rate_limiter


async def test_bulk_held_by_429s_counts_from_the_first_until_a_send_gets_through(
    fake_bot_api: FakeBotAPI, bot: ExtBot[Ticket]
) -> None:
    fake_bot_api.add_chat(1)
    fake_bot_api.fail_next(
        "sendMessage", error_code=429, description="Too Many Requests", retry_after=400, times=2
    )
    outbox = outbox_of(bot)
    send = asyncio.create_task(bot.send_message(1, "خبر", rate_limit_args=Ticket(Lane.DIGEST)))
    await asyncio.sleep(300)
    assert 299 <= outbox.held_for() <= 301  # one 429 so far, paused 400 s
    await asyncio.sleep(350)  # the second 429 came at 400 s: held for 650 s now
    assert outbox.held_for() > 600
    await send
    assert outbox.held_for() == 0  # it got through
    assert outbox.stats.paused_seconds == pytest.approx(800, abs=1)
    assert outbox.stats.throttled == 2


async def test_a_429_on_a_reply_does_not_hold_bulk(
    fake_bot_api: FakeBotAPI, bot: ExtBot[Ticket]
) -> None:
    fake_bot_api.add_chat(1)
    fake_bot_api.fail_next(
        "sendMessage", error_code=429, description="Too Many Requests", retry_after=700
    )
    reply = asyncio.create_task(bot.send_message(1, "ردّ"))
    await asyncio.sleep(650)
    assert outbox_of(bot).held_for() == 0
    assert outbox_of(bot).stats.paused_seconds == 0
    await reply


async def test_a_pause_with_nothing_waiting_behind_it_is_not_held_once_over(
    fake_bot_api: FakeBotAPI, bot: ExtBot[Ticket]
) -> None:
    fake_bot_api.add_chat(1)
    fake_bot_api.add_chat(2)
    fake_bot_api.block(2)
    fake_bot_api.fail_next(
        "sendMessage", error_code=429, description="Too Many Requests", retry_after=5, chat_id=2
    )
    with sending_as(Lane.BROADCAST):
        outcome = await send_html(bot, 2, ["خبر"])
    assert outcome.status == SendStatus.BLOCKED  # answered at last, though not with a success
    await asyncio.sleep(10)
    assert outbox_of(bot).held_for() == 0


async def test_each_sends_outcome_is_counted_by_lane(
    fake_bot_api: FakeBotAPI, bot: ExtBot[Ticket]
) -> None:
    fake_bot_api.add_chat(1)
    fake_bot_api.add_chat(2)
    fake_bot_api.block(2)
    with sending_as(Lane.DIGEST):
        await send_html(bot, 1, ["أ", "ب"])
        await send_html(bot, 2, ["ج"])
    await send_html(bot, 1, ["د"])
    assert outbox_of(bot).stats.outcomes == {
        (Lane.DIGEST, "sent"): 2,
        (Lane.DIGEST, "blocked"): 1,
        (Lane.REPLY, "sent"): 1,
    }
