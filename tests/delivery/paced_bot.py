"""A bare bot whose requests go through an outbox, for the outbox's tests on virtual time.

The event loop's clock is virtual (the `looptime` plugin): a wait costs no real time and
the loop's time moves only by the waits, so pacing is measured exactly, however busy the
machine. The outbox keeps its default clock, the loop's, and so does the fake Bot API: it
counts each send when it arrives, on the same clock. A request on loopback takes no
virtual time; `FakeBotAPI.set_latency` puts Telegram a round trip away.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from telegram.ext import ExtBot
from telegram.request import RequestData

from bot.delivery.lanes import Lane, Ticket
from bot.delivery.outbox import Outbox
from bot.delivery.pacing import Limits
from bot.delivery.transport import AiohttpRequest
from tests.fakes.bot_api import FakeBotAPI

Bot = ExtBot[Ticket]
Make = Callable[[Limits], Awaitable[Bot]]
_MESSAGES = ("sendMessage", "copyMessage")


@dataclass(frozen=True)
class Answer:
    at: float  # loop time
    chat: int
    status: int  # HTTP status: 200, or 429 ...


class StampingRequest(AiohttpRequest):
    """The bot's transport, noting when each message was answered, on the loop's clock."""

    def __init__(self) -> None:
        super().__init__()
        self.answers: list[Answer] = []

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, *args: Any, **kw: Any
    ) -> tuple[int, bytes]:
        status, body = await super().do_request(url, method, request_data, *args, **kw)
        if url.rsplit("/", 1)[-1] in _MESSAGES and request_data is not None:
            chat = int(request_data.parameters["chat_id"])  # type: ignore[call-overload]
            self.answers.append(Answer(asyncio.get_running_loop().time(), chat, status))
        return status, body


@pytest.fixture
async def make_bot(fake_bot_api: FakeBotAPI) -> AsyncIterator[Make]:
    """A bot whose requests go through an outbox with the given limits."""
    bots: list[Bot] = []

    async def make(limits: Limits) -> Bot:
        bot: Bot = ExtBot(
            fake_bot_api.token,
            base_url=f"{fake_bot_api.url}/bot",
            rate_limiter=Outbox(limits),
            request=StampingRequest(),
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


def now() -> float:
    return asyncio.get_running_loop().time()


def bulk(bot: Bot, chat_id: int, text: str = "خبر") -> asyncio.Task[object]:
    return asyncio.create_task(
        bot.send_message(chat_id, text, rate_limit_args=Ticket(Lane.BROADCAST))
    )


def stamped(bot: Bot) -> list[Answer]:
    """Every message request's answer, refusals too, in the order they came."""
    assert isinstance(bot.request, StampingRequest)
    return bot.request.answers


def answers(bot: Bot, chat: int | None = None) -> list[Answer]:
    """The messages Telegram accepted (to `chat`), in the order it answered them."""
    return [a for a in stamped(bot) if a.status == 200 and chat in (None, a.chat)]


def arrivals(bot: Bot, chat: int | None = None) -> list[float]:
    return [a.at for a in answers(bot, chat)]
