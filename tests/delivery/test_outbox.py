"""The outbox against the fake Bot API, on virtual time (tests/delivery/paced_bot.py).

The transport stamps each answer with the loop's time; on loopback that is when
Telegram counted the message. Telegram's limits are checked on those stamps.
"""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.delivery.lanes import Lane, OutboxStopped, Ticket
from bot.delivery.outbox import Outbox
from bot.delivery.pacing import ARRIVAL_MARGIN, REPLY_BURST, Limit, Limits
from tests.delivery.paced_bot import Make, answers, arrivals, bulk, now, outbox, stamped
from tests.fakes.bot_api import FakeBotAPI

pytestmark = pytest.mark.looptime

HOLD = 1.0 + ARRIVAL_MARGIN  # a one-second limit's slot, from the moment its request leaves


def most_in_any_window(times: list[float], period: float) -> int:
    """The most arrivals a window of `period` seconds, slid over them, ever holds."""
    return max(sum(1 for t in times if s <= t < s + period) for s in times)


async def test_bulk_sends_use_the_overall_limit_without_going_over(
    fake_bot_api: FakeBotAPI, make_bot: Make
) -> None:
    bot = await make_bot(Limits(overall=Limit(100, 1.0)))
    chats = range(1, 151)
    for chat_id in chats:
        fake_bot_api.add_chat(chat_id)
    await asyncio.gather(*(bulk(bot, chat_id) for chat_id in chats))
    times = arrivals(bot)
    assert len(times) == 150
    rate = (len(times) - 1) / (times[-1] - times[0])
    assert rate >= 0.9 * 100
    assert most_in_any_window(times, 1.0) <= 100  # never over Telegram's limit


async def test_one_chat_gets_its_messages_at_its_own_pace(
    fake_bot_api: FakeBotAPI, make_bot: Make
) -> None:
    bot = await make_bot(Limits(overall=Limit(50, 1.0), private_chat=Limit(1, 0.2)))
    fake_bot_api.add_chat(7)
    fake_bot_api.add_chat(8)
    started = now()
    await asyncio.gather(*(bulk(bot, 7, f"{i}") for i in range(4)), bulk(bot, 8))
    to_seven = arrivals(bot, 7)
    assert len(to_seven) == 4
    assert all(b - a >= 0.2 for a, b in itertools.pairwise(to_seven))
    # The other chat did not wait behind chat 7.
    (to_eight,) = arrivals(bot, 8)
    assert to_eight - started < 0.2


async def test_a_reply_goes_out_before_queued_bulk_sends(
    fake_bot_api: FakeBotAPI, make_bot: Make
) -> None:
    bot = await make_bot(Limits(overall=Limit(50, 1.0)))
    for chat_id in range(1, 102):
        fake_bot_api.add_chat(chat_id)
    backlog = [bulk(bot, chat_id) for chat_id in range(1, 101)]  # two seconds at 50/s
    await asyncio.sleep(0.3)
    asked = now()
    await bot.send_message(101, "ردّ")  # no ticket: a reply
    assert now() - asked < 0.1
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
    asked = now()
    await bot.send_message(41, "ردّ")  # replies are not held by the pause
    assert now() - asked < 0.2
    await asyncio.gather(*backlog)
    copies = [a for a in answers(bot) if a.chat != 41]
    assert sorted(a.chat for a in copies) == list(range(1, 41))  # chat 5 too, once
    (throttled,) = [a for a in stamped(bot) if a.status == 429]
    # No bulk request left during the pause: each was answered before the 429 or after it.
    during = [a.at - throttled.at for a in copies if throttled.at < a.at < throttled.at + 1.0]
    assert during == []
    assert max(a.at for a in copies) > throttled.at + 1.0  # the rest went after it


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
    fake_bot_api.add_chat(7)
    await asyncio.gather(*(bot.send_message(7, f"{i}") for i in range(REPLY_BURST + 6)))
    times = arrivals(bot)
    assert len(times) == REPLY_BURST + 6
    assert times[REPLY_BURST] - times[0] < 0.05  # the first ones at once
    paced = times[REPLY_BURST:]
    assert all(b - a >= 0.05 * 0.99 for a, b in itertools.pairwise(paced))  # then at its pace
    assert paced[-1] - paced[0] < 5 * 0.05 * 1.1  # and no slower


async def test_paid_broadcasts_have_their_own_higher_limit(
    fake_bot_api: FakeBotAPI, make_bot: Make
) -> None:
    bot = await make_bot(Limits(overall=Limit(5, 1.0), paid=Limit(200, 1.0)))
    for chat_id in range(1, 41):
        fake_bot_api.add_chat(chat_id)
    started = now()
    await asyncio.gather(
        *(
            bot.send_message(
                chat_id, "خبر", rate_limit_args=Ticket(Lane.BROADCAST, paid=True),
                allow_paid_broadcast=True,
            )
            for chat_id in range(1, 41)
        )
    )  # fmt: skip
    assert now() - started < 1.0  # 40 at 200/s, not 8 s at the free 5/s
    assert most_in_any_window(arrivals(bot), 1.0) <= 200
    assert all(m["params"]["allow_paid_broadcast"] is True for m in fake_bot_api.sent)


class ManualClock:
    """Time that moves only when the test says (the outbox's `Clock`)."""

    def __init__(self, start: float = 0.0) -> None:
        self.at = start
        self._moved = asyncio.Event()

    def now(self) -> float:
        return self.at

    async def sleep(self, seconds: float) -> None:
        await self.wait(asyncio.Event(), seconds)

    async def wait(self, event: asyncio.Event, seconds: float) -> None:
        deadline = self.at + seconds
        while not event.is_set() and self.at < deadline:
            waits = {asyncio.ensure_future(event.wait()), asyncio.ensure_future(self._moved.wait())}
            _, pending = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            for task in pending:
                task.cancel()

    async def advance(self, seconds: float) -> None:
        self.at += seconds
        self._moved.set()
        self._moved = asyncio.Event()
        for _ in range(20):  # let what woke up run
            await asyncio.sleep(0)


async def test_the_outbox_keeps_time_by_its_clock_alone() -> None:
    clock = ManualClock()
    outbox = Outbox(Limits(overall=Limit(2, 1.0)), clock=clock)
    sent: list[tuple[int, float]] = []

    def send(chat_id: int) -> asyncio.Task[Any]:
        async def request() -> bool:
            sent.append((chat_id, clock.now()))
            return True

        data = {"chat_id": chat_id}
        ticket = Ticket(Lane.BROADCAST)
        return asyncio.create_task(
            outbox.process_request(request, (), {}, "sendMessage", data, ticket)
        )

    tasks = [send(chat_id) for chat_id in (1, 2, 3)]
    await clock.advance(0.0)
    assert sent == [(1, 0.0), (2, 0.0)]  # the limit's two; the third waits for a slot
    await asyncio.sleep(5)  # the event loop's time runs on: the outbox does not look
    await clock.advance(1.0)  # a second and the margin after the first two left
    assert len(sent) == 2
    await clock.advance(0.02)
    assert [chat for chat, _ in sent] == [1, 2, 3] and HOLD <= sent[2][1] <= HOLD + 0.01
    await asyncio.gather(*tasks)
    await outbox.shutdown()


async def test_a_request_on_its_way_during_a_stall_holds_its_slot_as_much_longer() -> None:
    """The event loop stood still for 100 ms while the request was on its way: it may have
    reached Telegram that late, its answer notwithstanding, so the next one waits as long."""
    clock = ManualClock()
    outbox = Outbox(Limits(overall=Limit(1, 1.0)), clock=clock)
    answer = asyncio.Event()
    sent: list[float] = []

    async def request() -> bool:
        sent.append(clock.now())
        await answer.wait()
        return True

    def send(chat_id: int) -> asyncio.Task[Any]:
        ticket = Ticket(Lane.BROADCAST)
        return asyncio.create_task(
            outbox.process_request(request, (), {}, "sendMessage", {"chat_id": chat_id}, ticket)
        )

    first = send(1)
    await clock.advance(0.0)
    await clock.advance(0.1)  # one step: the loop's timers all come 95 ms late
    answer.set()
    await first
    second = send(2)
    await clock.advance(HOLD - 0.1 + 0.05)  # a second and the margin after the first left
    assert sent == [0.0]
    await clock.advance(0.1)  # and the stall
    assert len(sent) == 2 and sent[1] >= HOLD + 0.09
    await second
    await outbox.shutdown()
