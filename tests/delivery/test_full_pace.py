"""Full pace from a real host (issue 13, item 7), on virtual time (tests/delivery/paced_bot.py).

Telegram sits a round trip away (0 or 150 ms, ±50 ms of jitter, a little of it on the
way there) and counts each send when it arrives, answering 429 to any send beyond 30
in a sliding second and beyond a private chat's pace. A broadcast to 900 chats and a
digest run to 900 chats (one to three messages each) go through the outbox at
Telegram's published limits, each sent as the bot sends them (as many waiting at once
as the broadcast job or the digest tick keeps), while a reader writes every second.

Each must use at least 95% of the overall limit with no 429, and the reader's replies
must not wait for it. The outbox keeps no slot for replies: a reply takes the next
slot that frees, ahead of all bulk, so bulk has the rest. A broadcast at 95% with a
reply a second would not be possible with two slots of thirty kept for replies.
"""

from __future__ import annotations

import asyncio
import random
import statistics
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import pytest

from bot.delivery.broadcast import concurrency_for
from bot.delivery.digests import CONCURRENT_SENDS
from bot.delivery.lanes import Lane, sending_as
from bot.delivery.pacing import Limits
from bot.delivery.sender import SendStatus, send_html
from tests.delivery.audience import known_to_telegram
from tests.delivery.paced_bot import Bot, Make, bulk, now, stamped
from tests.delivery.scenario import STARTER, audience
from tests.fakes.bot_api import FakeBotAPI, RateLimit

pytestmark = pytest.mark.looptime

RATE = 30  # Telegram's overall limit, and SEND_RATE's default
JITTER = 0.05  # each round trip ± this much
ARRIVAL_JITTER = 0.004  # of which, on the way there (arrivals bunch up by up to twice it)
CHATS, BLOCKED, GONE = 900, 30, 6
ROUND_TRIPS = [pytest.param(0.0, id="loopback"), pytest.param(0.15, id="150ms-away")]


@dataclass(frozen=True)
class Run:
    fraction: float  # bulk sends Telegram counted a second, over the limit (see `held`)
    replies: list[float]  # how long each of the reader's replies took, the round trip included

    @property
    def p95(self) -> float:
        return statistics.quantiles(self.replies, n=20, method="inclusive")[18]


def telegram_at(api: FakeBotAPI, round_trip: float) -> None:
    api.set_rate_limits(overall=RateLimit(RATE, 1.0), private_chat=RateLimit(1, 1.0, burst=3))
    api.set_latency(round_trip, JITTER, arrival_jitter=ARRIVAL_JITTER, seed=13)


async def while_a_reader_writes(
    api: FakeBotAPI, bot: Bot, work: Callable[[], Awaitable[None]]
) -> Run:
    """`work` runs while a reader writes every second and gets a reply; then Telegram's
    count of the bulk sends."""
    job = asyncio.create_task(work())
    replies: list[float] = []
    while not job.done():
        asked = now()
        await bot.send_message(STARTER, "أهلًا")  # a reply: no ticket, no lane set
        replies.append(now() - asked)
        await asyncio.sleep(max(0.0, asked + 1.0 - now()))
    await job
    return Run(held(api), replies)


def held(api: FakeBotAPI) -> float:
    """The pace of bulk sends, as Telegram counted them, over the limit: from the first
    until the last chat's first message. After that only the last chats' own pace (one a
    second) sets how fast what is left goes, a digest's second and third parts (about two
    seconds, 0.92 of the limit over the whole run). For a broadcast that is the whole run."""
    bulk = [(at, chat) for at, _, chat in api.counted if chat != STARTER]
    firsts: dict[int, float] = {}
    for at, chat in bulk:
        firsts.setdefault(chat, at)
    start, end = min(firsts.values()), max(firsts.values())
    sends = sum(1 for at, _ in bulk if at <= end)
    return (sends - 1) / (end - start) / RATE


def check(api: FakeBotAPI, run: Run, round_trip: float) -> None:
    assert api.throttled == []
    assert api.busiest(1.0) <= RATE
    assert run.fraction >= 0.95, f"{run.fraction:.3f} of the limit"
    assert len(run.replies) >= 25
    assert run.p95 < 1.0
    # In fact a reply waits for a slot a few sends at most, not for the broadcast.
    assert max(run.replies) < round_trip + JITTER + 0.2, sorted(run.replies)[-3:]


@pytest.mark.parametrize("round_trip", ROUND_TRIPS)
async def test_a_broadcast_holds_the_limit_a_round_trip_away(
    fake_bot_api: FakeBotAPI, make_bot: Make, round_trip: float
) -> None:
    api = fake_bot_api
    reachable, blocked, gone = audience(CHATS, BLOCKED, GONE)
    known_to_telegram(api, [*reachable, STARTER], blocked=blocked)
    telegram_at(api, round_trip)
    bot = await make_bot(Limits())  # Telegram's published limits
    waiting = asyncio.Semaphore(concurrency_for(RATE))  # as the broadcast job keeps them

    async def one(chat_id: int) -> None:
        async with waiting:
            await asyncio.gather(bulk(bot, chat_id), return_exceptions=True)

    async def broadcast() -> None:
        await asyncio.gather(*(one(chat_id) for chat_id in sorted([*reachable, *blocked, *gone])))

    run = await while_a_reader_writes(api, bot, broadcast)

    tried = sorted(a.chat for a in stamped(bot) if a.chat != STARTER)
    assert tried == sorted([*reachable, *blocked, *gone])  # each once
    assert sorted(m["chat"]["id"] for m in api.sent if m["chat"]["id"] != STARTER) == reachable
    check(api, run, round_trip)


@pytest.mark.parametrize("round_trip", ROUND_TRIPS)
async def test_a_digest_run_holds_the_limit_a_round_trip_away(
    fake_bot_api: FakeBotAPI, make_bot: Make, round_trip: float
) -> None:
    api = fake_bot_api
    reachable, blocked, gone = audience(CHATS, BLOCKED, GONE)
    known_to_telegram(api, [*reachable, STARTER], blocked=blocked)
    telegram_at(api, round_trip)
    bot = await make_bot(Limits())
    sizes = random.Random(7).choices([1, 2, 3], weights=[7, 2, 1], k=CHATS)
    digests = dict(zip(sorted([*reachable, *blocked, *gone]), sizes, strict=True))
    outcomes: dict[int, SendStatus] = {}
    gate = asyncio.Semaphore(CONCURRENT_SENDS)  # as the digest tick keeps them

    async def one(chat_id: int, size: int) -> None:
        async with gate:
            messages = [f"موجز {chat_id}، الجزء {part + 1}" for part in range(size)]
            outcomes[chat_id] = (await send_html(bot, chat_id, messages)).status

    async def digest_run() -> None:
        with sending_as(Lane.DIGEST):  # as the digest tick sends
            await asyncio.gather(*(one(chat_id, size) for chat_id, size in digests.items()))

    run = await while_a_reader_writes(api, bot, digest_run)

    assert {c for c, status in outcomes.items() if status == SendStatus.SENT} == set(reachable)
    sent = [m["chat"]["id"] for m in api.sent if m["chat"]["id"] != STARTER]
    assert sorted(sent) == sorted(c for c in reachable for _ in range(digests[c]))
    check(api, run, round_trip)


async def test_a_send_held_up_on_its_way_does_not_bunch_up_with_the_ones_after_it(
    fake_bot_api: FakeBotAPI, make_bot: Make
) -> None:
    """One send arrives 300 ms late (a stalled loop, a congested link): the 29 sends after
    it then arrive in less than a second behind it, unless its slot is held that much
    longer. Its answer came as late: that is how the outbox knows."""
    api = fake_bot_api
    chats = list(range(1, 151))
    for chat_id in chats:
        api.add_chat(chat_id)
    api.set_rate_limits(overall=RateLimit(RATE, 1.0))
    api.set_latency(0.15)
    bot = await make_bot(Limits())
    sends = [bulk(bot, chat_id) for chat_id in chats]
    await api.wait_for(lambda: len(api.counted) >= 60)  # the usual round trip is known
    api.stall_next(0.3)
    await asyncio.gather(*sends)
    assert api.throttled == []
    assert api.busiest(1.0) <= RATE
    assert len(api.sent) == len(chats)
