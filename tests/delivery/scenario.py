"""The broadcast at Telegram's limits, run by tests (scaled in time) and by bench/delivery.py.

2,000 chats, of which 100 blocked the bot and 20 are "chat not found", get a
broadcast through the fake Bot API enforcing 30 sends a second overall and one a
second per chat, while one user sends /start every second. `Scale(speed=10)` runs
the same thing ten times faster: 300 a second, one per 0.1 s per chat, /start every
0.1 s, a reply due within 0.2 s, `retry_after` in tenths of a second.

The user's replies are timed from the fake's stamps, without copying messages (a
deep copy per reply per poll took the CPU the bot needed on a busy machine).
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tests.backends import TestDatabase
from tests.bot.harness import Harness, start_bot
from tests.delivery.audience import known_to_telegram, seed_chats
from tests.fakes.bot_api import FakeBotAPI, RateLimit

ADMIN, STARTER = 42, 99
TEXT = "📣 <b>تنبيه</b>: موعد الموجز اليومي أصبح السابعة صباحًا."
FIRST_CHAT = 100_001


@dataclass(frozen=True)
class Scale:
    speed: float = 1.0  # 1: Telegram's own limits; 10: everything ten times faster

    @property
    def overall(self) -> RateLimit:
        return RateLimit(round(30 * self.speed), 1.0)

    @property
    def per_chat(self) -> RateLimit:
        """One a second, and like Telegram a short burst (of 3) is let through."""
        return RateLimit(1, 1.0 / self.speed, burst=3)

    @property
    def start_every(self) -> float:
        return 1.0 / self.speed

    @property
    def reply_within(self) -> float:
        return 2.0 / self.speed


@dataclass
class LimitRun:
    audience: int
    reachable: int
    copies: Counter[int]  # chat -> copies it got
    inactive: int  # of the unreachable chats, those now inactive
    attempts: int  # broadcast sends Telegram counted, refused ones included
    seconds: float  # first to last of them
    limit: float  # sends a second allowed overall
    throttled: int  # 429s the fake answered
    replies: list[float] = field(default_factory=list)  # /start reply latencies
    asked: list[float] = field(default_factory=list)  # when each /start was sent (fake's clock)
    answered: list[float] = field(default_factory=list)  # when each reply came
    ended: float = 0.0  # when the last broadcast copy reached Telegram
    report: str = ""

    @property
    def rate(self) -> float:
        return (self.attempts - 1) / self.seconds if self.seconds else 0.0

    @property
    def fraction(self) -> float:
        return self.rate / self.limit

    @property
    def duplicates(self) -> int:
        return sum(1 for n in self.copies.values() if n > 1)

    @property
    def missing(self) -> int:
        return self.reachable - sum(1 for n in self.copies.values() if n >= 1)

    @property
    def p95(self) -> float:
        if len(self.replies) < 2:
            return max(self.replies, default=0.0)
        return statistics.quantiles(self.replies, n=20, method="inclusive")[18]


def audience(
    users: int, blocked: int, gone: int, seed: int = 6
) -> tuple[list[int], list[int], list[int]]:
    """(reachable, blocked, gone) chat ids; the unreachable ones spread through the list."""
    chats = list(range(FIRST_CHAT, FIRST_CHAT + users))
    unreachable = random.Random(seed).sample(chats, blocked + gone)
    lost = set(unreachable)
    return [c for c in chats if c not in lost], unreachable[:blocked], unreachable[blocked:]


async def start_scaled_bot(
    api: FakeBotAPI, tmp_path: Path, scale: Scale, database: TestDatabase | None = None
) -> Harness:
    api.set_rate_limits(
        overall=scale.overall, private_chat=scale.per_chat, retry_unit=1 / scale.speed
    )
    bot = await start_bot(
        api,
        tmp_path,
        database=database,
        admin_ids=frozenset({ADMIN}),
        send_rate=30 * scale.speed,
        chat_send_rate=scale.speed,
        flood_seconds=10 / scale.speed,  # the flood guard's window runs on the same scaled time
    )
    bot.services.broadcasts.status_every = 3.0 / scale.speed
    return bot


async def press_send(api: FakeBotAPI, text: str = TEXT) -> None:
    """The admin asks for the broadcast and presses Send on the preview."""
    before = len(api.messages_to(ADMIN))
    api.user_sends(ADMIN, f"/broadcast {text}")
    confirm = (await api.wait_for_messages(ADMIN, before + 2, timeout=30))[before + 1]
    (data,) = [b["callback_data"] for b in confirm["reply_markup"]["inline_keyboard"][0][:1]]
    api.user_presses(ADMIN, confirm, data)


def report_of(api: FakeBotAPI) -> str | None:
    texts = [str(m.get("text", "")) for m in api.messages_to(ADMIN)]
    return next((t for t in texts if "تقرير الإعلان" in t), None)


async def broadcast_at_the_limit(
    api: FakeBotAPI,
    tmp_path: Path,
    scale: Scale,
    *,
    users: int = 2000,
    blocked: int = 100,
    gone: int = 20,
    database: TestDatabase | None = None,
) -> LimitRun:
    reachable, refusing, lost = audience(users, blocked, gone)
    known_to_telegram(api, reachable, blocked=refusing)
    bot = await start_scaled_bot(api, tmp_path, scale, database)
    try:
        await seed_chats(bot.services.db, [*reachable, *refusing, *lost])
        await press_send(api)
        asked: list[float] = []
        starter = asyncio.create_task(keep_starting(api, scale, asked))
        try:
            budget = users / (30 * scale.speed) * 2 + 30
            await api.wait_for(lambda: report_of(api) is not None, timeout=budget)
        finally:
            starter.cancel()
            await asyncio.gather(starter, return_exceptions=True)
        await api.wait_for(lambda: len(answers_to(api, STARTER)) >= len(asked), timeout=30)
        everyone = set(reachable) | set(refusing) | set(lost)
        copies = Counter(m["chat"]["id"] for m in api.sent if m["chat"]["id"] in everyone)
        times = [t for t, method, chat in api.counted if chat in everyone]
        inactive = 0
        for chat_id in [*refusing, *lost]:
            user = await bot.services.chats.get(chat_id)
            inactive += user is not None and not user.active
        answers = answers_to(api, STARTER)[: len(asked)]
        return LimitRun(
            audience=users,
            reachable=len(reachable),
            copies=copies,
            inactive=inactive,
            attempts=len(times),
            seconds=max(times) - min(times) if times else 0.0,
            limit=30 * scale.speed,
            throttled=len(api.throttled),
            replies=[answer - ask for ask, answer in zip(asked, answers, strict=True)],
            asked=asked,
            answered=answers,
            ended=max(times, default=0.0),
            report=report_of(api) or "",
        )
    finally:
        await bot.stop()


def answers_to(api: FakeBotAPI, chat_id: int) -> list[float]:
    """When each message to the chat arrived (the fake's clock), in order; no copies made."""
    return [m["at"] for m in api.sent if m["chat"]["id"] == chat_id]


async def keep_starting(api: FakeBotAPI, scale: Scale, asked: list[float]) -> None:
    """A user sends /start every `start_every`, or once the last one is answered if that
    takes longer, as a person waits for an answer; `asked` gets the times (the fake's
    clock). Its n-th reply answers its n-th /start.

    Waiting for the answer keeps a slow machine from piling up /starts the bot could never
    catch up with: each reply's delay is the bot's, not a queue the test made."""
    loop = asyncio.get_running_loop()
    while True:
        due = loop.time() + scale.start_every
        api.user_sends(STARTER, "/start")
        asked.append(time.monotonic())
        sent = len(asked)
        await api.wait_for(lambda n=sent: len(answers_to(api, STARTER)) >= n, timeout=60)
        await asyncio.sleep(max(0.0, due - loop.time()))
