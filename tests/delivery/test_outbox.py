"""The outbox against the fake Bot API with Telegram-like limits (scaled down in time)."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from telegram.error import RetryAfter
from telegram.ext import ExtBot

from bot.delivery.outbox import REPLY_BURST, Lane, Limits, Outbox, OutboxStopped, Ticket
from bot.delivery.pacing import Limit
from bot.delivery.transport import AiohttpRequest
from tests.fakes.bot_api import FakeBotAPI, RateLimit

Bot = ExtBot[Ticket]
Make = Callable[[Limits], Awaitable[Bot]]


@pytest.fixture
async def make_bot(fake_bot_api: FakeBotAPI) -> AsyncIterator[Callable[[Limits], Awaitable[Bot]]]:
    """A bot whose requests go through an outbox with the given limits."""
    bots: list[Bot] = []

    async def make(limits: Limits) -> Bot:
        bot: Bot = ExtBot(
            fake_bot_api.token,
            base_url=f"{fake_bot_api.url}/bot",
            rate_limiter=Outbox(limits),
            request=AiohttpRequest(),
        )
        await bot.initialize()
        bots.append(bot)
        return bot

    yield make
    for bot in bots:
        await bot.shutdown()


def outbox(bot: Bot) -> Outbox:
    assert isinstance(bot.rate_limiter, Outbox)
    return bot.rate_limiter


def bulk(bot: Bot, chat_id: int, text: str = "خبر") -> asyncio.Task[object]:
    return asyncio.create_task(
        bot.send_message(chat_id, text, rate_limit_args=Ticket(Lane.BROADCAST))
    )


def arrivals(api: FakeBotAPI) -> list[float]:
    return [m["at"] for m in api.sent]


async def test_bulk_sends_use_the_overall_limit_without_going_over(
    fake_bot_api: FakeBotAPI, make_bot: Make
) -> None:
    bot = await make_bot(Limits(overall=Limit(100, 1.0)))
    fake_bot_api.set_rate_limits(overall=RateLimit(100, 1.0))
    chats = range(1, 151)
    for chat_id in chats:
        fake_bot_api.add_chat(chat_id)
    await asyncio.gather(*(bulk(bot, chat_id) for chat_id in chats))
    assert fake_bot_api.throttled == []
    times = arrivals(fake_bot_api)
    rate = (len(times) - 1) / (times[-1] - times[0])
    assert rate >= 0.9 * 100
    # A one-second window sliding over the arrivals never holds more than 100.
    assert max(sum(1 for t in times if s <= t < s + 1.0) for s in times) <= 100


async def test_one_chat_gets_its_messages_at_its_own_pace(
    fake_bot_api: FakeBotAPI, make_bot: Make
) -> None:
    bot = await make_bot(Limits(overall=Limit(50, 1.0), private_chat=Limit(1, 0.2)))
    fake_bot_api.set_rate_limits(private_chat=RateLimit(1, 0.2))
    fake_bot_api.add_chat(7)
    fake_bot_api.add_chat(8)
    started = time.monotonic()
    await asyncio.gather(*(bulk(bot, 7, f"{i}") for i in range(4)), bulk(bot, 8))
    assert fake_bot_api.throttled == []
    to_seven = [m["at"] for m in fake_bot_api.sent if m["chat"]["id"] == 7]
    assert all(b - a >= 0.2 for a, b in itertools.pairwise(to_seven))
    # The other chat did not wait behind chat 7.
    (to_eight,) = [m["at"] for m in fake_bot_api.sent if m["chat"]["id"] == 8]
    assert to_eight - started < 0.2


async def test_a_reply_goes_out_before_queued_bulk_sends(
    fake_bot_api: FakeBotAPI, make_bot: Make
) -> None:
    bot = await make_bot(Limits(overall=Limit(50, 1.0)))
    for chat_id in range(1, 102):
        fake_bot_api.add_chat(chat_id)
    backlog = [bulk(bot, chat_id) for chat_id in range(1, 101)]  # two seconds at 50/s
    await asyncio.sleep(0.3)
    asked = time.monotonic()
    await bot.send_message(101, "ردّ")  # no ticket: a reply
    assert time.monotonic() - asked < 0.1
    assert sum(not task.done() for task in backlog) > 50  # it did not wait for them
    await outbox(bot).shutdown()
    await asyncio.gather(*backlog, return_exceptions=True)


async def test_a_429_pauses_bulk_then_everything_is_delivered_once(
    fake_bot_api: FakeBotAPI, make_bot: Make
) -> None:
    bot = await make_bot(Limits(overall=Limit(50, 1.0)))
    for chat_id in range(1, 42):
        fake_bot_api.add_chat(chat_id)
    fake_bot_api.fail_next(
        "sendMessage", error_code=429, description="Too Many Requests: retry after 1", chat_id=5
    )
    backlog = [bulk(bot, chat_id) for chat_id in range(1, 41)]
    await fake_bot_api.wait_for(lambda: outbox(bot).stats.throttled == 1)
    throttled_at = time.monotonic()
    await bot.send_message(41, "ردّ")  # replies are not held by the pause
    assert time.monotonic() - throttled_at < 0.2
    await asyncio.gather(*backlog)
    copies = [m for m in fake_bot_api.sent if m["chat"]["id"] != 41]
    assert sorted(m["chat"]["id"] for m in copies) == list(range(1, 41))  # chat 5 too, once
    # No bulk request left during the pause (a few in flight at the 429 may land just after).
    late = [m["at"] - throttled_at for m in copies if m["at"] > throttled_at + 0.1]
    assert late and min(late) >= 0.9


async def test_a_429_that_never_ends_gives_up_after_the_bound(
    fake_bot_api: FakeBotAPI, make_bot: Make
) -> None:
    bot = await make_bot(Limits(overall=None, private_chat=None, bulk_retries=2))
    fake_bot_api.add_chat(1)
    fake_bot_api.fail_next(
        "sendMessage", error_code=429, description="Too Many Requests", retry_after=0.05, times=9
    )
    with pytest.raises(RetryAfter):
        await bulk(bot, 1)
    assert outbox(bot).stats.throttled == 3


async def test_shutdown_refuses_what_still_waits(fake_bot_api: FakeBotAPI, make_bot: Make) -> None:
    bot = await make_bot(Limits(overall=Limit(50, 1.0)))
    for chat_id in range(1, 31):
        fake_bot_api.add_chat(chat_id)
    backlog = [bulk(bot, chat_id) for chat_id in range(1, 31)]
    await asyncio.sleep(0.1)
    await outbox(bot).shutdown()
    results = await asyncio.gather(*backlog, return_exceptions=True)
    refused = [r for r in results if isinstance(r, OutboxStopped)]
    sent = [r for r in results if not isinstance(r, BaseException)]
    assert refused and sent and len(refused) + len(sent) == 30
    assert len(fake_bot_api.sent) == len(sent)


async def test_a_chat_flooded_with_replies_is_slowed_to_its_pace_after_a_burst(
    fake_bot_api: FakeBotAPI, make_bot: Make
) -> None:
    bot = await make_bot(Limits(overall=None, private_chat=Limit(1, 0.05)))
    # Telegram's tolerance is not published; the fake's is a little above the outbox's.
    fake_bot_api.set_rate_limits(private_chat=RateLimit(1, 0.05, burst=REPLY_BURST + 1))
    fake_bot_api.add_chat(7)
    await asyncio.gather(*(bot.send_message(7, f"{i}") for i in range(REPLY_BURST + 6)))
    assert fake_bot_api.throttled == []
    times = arrivals(fake_bot_api)
    assert times[REPLY_BURST] - times[0] < 0.05  # the first ones at once
    assert times[-1] - times[REPLY_BURST] >= 5 * 0.05 * 0.9  # then at the chat's pace


async def test_paid_broadcasts_have_their_own_higher_limit(
    fake_bot_api: FakeBotAPI, make_bot: Make
) -> None:
    bot = await make_bot(Limits(overall=Limit(5, 1.0), paid=Limit(200, 1.0)))
    for chat_id in range(1, 41):
        fake_bot_api.add_chat(chat_id)
    started = time.monotonic()
    await asyncio.gather(
        *(
            bot.send_message(
                chat_id, "خبر", rate_limit_args=Ticket(Lane.BROADCAST, paid=True),
                allow_paid_broadcast=True,
            )
            for chat_id in range(1, 41)
        )
    )  # fmt: skip
    assert time.monotonic() - started < 1.0  # 40 at 200/s, not 8 s at the free 5/s
    assert all(m["params"]["allow_paid_broadcast"] is True for m in fake_bot_api.sent)
