"""One chat's flood of commands never delays another chat: the flooder is told «مهلًا» once
and the rest of its flood is dropped, and nobody else waits on its replies."""

from __future__ import annotations

import asyncio
import statistics
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.flood import FloodGuard, Verdict
from tests.bot.harness import Harness, running
from tests.fakes.bot_api import FakeBotAPI

FLOODER, OTHER = 8101, 8102
GROUP = -100991


@pytest.fixture
async def bot(fake_bot_api: FakeBotAPI, tmp_path: Path) -> AsyncIterator[Harness]:
    async with running(fake_bot_api, tmp_path) as harness:
        yield harness


async def replies_while_flooded(
    bot: Harness, flood: list[tuple[int, str, int | None]]
) -> list[float]:
    """Seconds another user waits for each of ten /help while `flood` pours in."""
    loop = asyncio.get_running_loop()
    for user, text, chat_id in flood:
        if chat_id is None:
            bot.api.user_sends(user, text)
        else:
            bot.api.user_sends(user, text, chat_type="supergroup", chat_id=chat_id)
    waits = []
    for _ in range(10):
        started = loop.time()
        await bot.say(OTHER, "/help")
        waits.append(loop.time() - started)
        await asyncio.sleep(0.1)
    return waits


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


async def test_a_private_flood_of_100_commands_leaves_others_answered_within_a_second(
    bot: Harness,
) -> None:
    waits = await replies_while_flooded(bot, [(FLOODER, "/help", None)] * 100)
    assert p95(waits) < 1.0, waits
    await asyncio.sleep(0.5)
    said = [m["text"] for m in bot.api.messages_to(FLOODER)]
    assert sum("مهلًا" in text for text in said) == 1
    assert len(said) <= 12  # the allowance (10), one «مهلًا», nothing for the rest


async def test_a_group_flood_leaves_others_answered_within_a_second(bot: Harness) -> None:
    bot.api.add_chat(GROUP, "supergroup", title="مجموعة")
    waits = await replies_while_flooded(bot, [(FLOODER, "/help", GROUP)] * 60)
    assert p95(waits) < 1.0, waits


def test_the_guard_warns_once_then_drops_until_the_window_clears() -> None:
    now = [0.0]
    guard = FloodGuard(lambda: now[0], limit=3, window=10)
    assert [guard.check(1) for _ in range(5)] == [
        Verdict.PASS, Verdict.PASS, Verdict.PASS, Verdict.WARN, Verdict.DROP
    ]  # fmt: skip
    assert guard.check(2) is Verdict.PASS  # another chat is not affected
    now[0] = 10.5
    assert guard.check(1) is Verdict.PASS


def test_the_guard_forgets_quiet_chats() -> None:
    now = [0.0]
    guard = FloodGuard(lambda: now[0], limit=3, window=10)
    for chat in range(10_000):
        guard.check(chat)
    now[0] = 25.0
    guard.check(0)
    assert len(guard._seen) == 1
