"""The fake Bot API a round trip away, and its count of arrivals against the limits.

On virtual time (looptime): the fake's clock is the event loop's, so a 200 ms round
trip and Telegram's sliding second are exact here, and cost no real time.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from telegram import Bot
from telegram.error import RetryAfter
from telegram.request import HTTPXRequest

from .bot_api import FakeBotAPI, RateLimit

pytestmark = pytest.mark.looptime

USER = 1001


@pytest.fixture
async def bot(fake_bot_api: FakeBotAPI) -> AsyncIterator[Bot]:
    fake_bot_api.add_chat(USER)
    request = HTTPXRequest(connection_pool_size=64)
    async with Bot(fake_bot_api.token, base_url=f"{fake_bot_api.url}/bot", request=request) as b:
        yield b


def now() -> float:
    return asyncio.get_running_loop().time()


async def test_a_request_arrives_half_a_round_trip_after_it_left(
    fake_bot_api: FakeBotAPI, bot: Bot
) -> None:
    fake_bot_api.set_latency(0.2)
    left = now()
    await bot.send_message(USER, "x")
    assert now() - left == pytest.approx(0.2, abs=0.01)
    ((arrived, method, chat),) = fake_bot_api.counted
    assert (method, chat) == ("sendMessage", USER)
    assert arrived - left == pytest.approx(0.1, abs=0.01)


async def test_jitter_varies_the_answer_and_arrival_jitter_the_arrival(
    fake_bot_api: FakeBotAPI, bot: Bot
) -> None:
    fake_bot_api.set_latency(0.15, 0.05, arrival_jitter=0.01, seed=3)
    left = now()
    await asyncio.gather(*(bot.send_message(USER, f"{i}") for i in range(40)))
    arrivals = [at - left for at, _, _ in fake_bot_api.counted]
    assert all(0.065 - 0.005 <= a <= 0.085 + 0.005 for a in arrivals)
    assert max(arrivals) - min(arrivals) > 0.01  # they do vary
    assert 0.1 <= now() - left <= 0.2 + 0.01  # the slowest answer: within the jitter


async def test_more_than_the_limit_in_any_sliding_second_is_refused(
    fake_bot_api: FakeBotAPI, bot: Bot
) -> None:
    fake_bot_api.set_rate_limits(overall=RateLimit(3, 1.0))
    start = now()
    for at in (0.0, 0.5, 0.9, 1.0):  # the first falls out of the window at 1.0: four go
        await asyncio.sleep(start + at - now())
        await bot.send_message(USER, "x")
    await asyncio.sleep(start + 1.05 - now())
    with pytest.raises(RetryAfter):  # 0.5, 0.9 and 1.0 are within a second of 1.05
        await bot.send_message(USER, "x")
    assert len(fake_bot_api.counted) == 4 and len(fake_bot_api.throttled) == 1
    assert fake_bot_api.busiest(1.0) == 3
    assert fake_bot_api.busiest(1.01) == 4
