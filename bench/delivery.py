"""Delivery: the bot's own ceiling, and how much of Telegram's 30/s limit it uses.

    .venv/bin/python bench/delivery.py [--chats 5000] [--quick]

1. Ceiling. The fake Bot API runs in a process of its own (on the second core when
   there is one); this process, pinned to one core, sends a broadcast to `--chats`
   chats with every limit off, through the real path: the broadcast job, its ledger
   (SQLite, group commits), the outbox and the aiohttp transport. Printed against
   two baselines measured in the same run: python-telegram-bot's stock stack
   (httpx transport, AIORateLimiter with limits off, no ledger) sending the same
   messages, and bare aiohttp posts (the floor of any Python client here).
   Target: above 1,000 messages a second, so that even paid broadcasts (1,000/s)
   are limited by Telegram, not by us.
2. At the limit. The issue's scenario at full scale: 2,000 chats (100 blocked the
   bot, 20 "chat not found") through the fake enforcing 30/s overall and 1/s per
   chat, while a user sends /start every second: the achieved rate as a fraction
   of 30/s, 429s, duplicates, the /start reply latency. About 70 s; `--quick` runs
   it ten times faster (as the test suite does).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from telegram.ext import AIORateLimiter, ExtBot  # noqa: E402
from telegram.request import HTTPXRequest  # noqa: E402

from bot.core.render import Renderer  # noqa: E402
from bot.delivery.broadcast import BroadcastService  # noqa: E402
from bot.delivery.lanes import Ticket  # noqa: E402
from bot.delivery.outbox import Outbox  # noqa: E402
from bot.delivery.pacing import Limits  # noqa: E402
from bot.delivery.transport import AiohttpRequest  # noqa: E402
from storage.broadcasts import BroadcastRepository  # noqa: E402
from storage.db import Database  # noqa: E402
from tests.delivery.audience import seed_chats  # noqa: E402
from tests.delivery.scenario import Scale, broadcast_at_the_limit  # noqa: E402
from tests.fakes.bot_api import FakeBotAPI  # noqa: E402

TOKEN = "123456:TEST-TOKEN"
ADMIN = 42
TEXT = "📣 <b>تنبيه</b>: موعد الموجز اليومي أصبح السابعة صباحًا."
CONCURRENCY = 64
STOCK_CONCURRENCY = 8  # httpx's best here: its pool slows down as more requests wait in it


def pin(cpu: int) -> str:
    cpus = sorted(os.sched_getaffinity(0))
    chosen = cpus[cpu % len(cpus)]
    os.sched_setaffinity(0, {chosen})
    return f"cpu {chosen} of {len(cpus)}"


async def serve_fake(chats: int) -> None:
    """The --fake child: a fake Bot API knowing `chats` chats, its URL on stdout."""
    pin(1)
    async with FakeBotAPI() as api:
        for chat_id in range(1, chats + 1):
            api.add_chat(chat_id)
        api.add_chat(ADMIN)
        print(api.url, flush=True)
        await asyncio.Event().wait()


def ptb_bot(url: str, *, stock: bool) -> ExtBot[Ticket]:
    if stock:  # what ApplicationBuilder gives with AIORateLimiter and every limit off
        return ExtBot(
            TOKEN,
            base_url=f"{url}/bot",
            request=HTTPXRequest(connection_pool_size=256),
            rate_limiter=AIORateLimiter(overall_max_rate=0, group_max_rate=0),  # type: ignore[arg-type]
        )
    return ExtBot(
        TOKEN,
        base_url=f"{url}/bot",
        request=AiohttpRequest(),
        rate_limiter=Outbox(Limits.off()),
    )


async def measure(label: str, work: object, messages: int) -> float:
    wall, cpu = time.perf_counter(), time.process_time()
    await work  # type: ignore[misc]
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"  {label:<44} {messages / wall:8.0f} msg/s   ({messages / cpu:6.0f} per CPU-second)")
    return messages / wall


async def ceiling(url: str, chats: int) -> None:
    print(f"1. Ceiling, every limit off, {chats} chats, this process on {pin(0)}")
    renderer = Renderer(ROOT / "templates")
    with tempfile.TemporaryDirectory() as tmp:
        db = await Database.open(Path(tmp) / "bench.db")
        await seed_chats(db, range(1, chats + 1))
        service = BroadcastService(BroadcastRepository(db), renderer, concurrency=CONCURRENCY)
        draft = await service.repo.create(created_by=ADMIN, admin_chat_id=ADMIN, language="ar",
                                          text=TEXT)  # fmt: skip
        bot = ptb_bot(url, stock=False)
        await bot.initialize()

        async def broadcast() -> None:
            await service.start(bot, draft.id, None)
            await service.wait(draft.id)

        ours = await measure("broadcast job (ledger, outbox, aiohttp)", broadcast(), chats)
        counts = await service.repo.counts(draft.id)
        await bot.shutdown()
        await db.close()
    assert counts == {"sent": chats}, counts

    async def send_all(bot: ExtBot[Ticket]) -> None:
        gate = asyncio.Semaphore(STOCK_CONCURRENCY)

        async def one(chat_id: int) -> None:
            async with gate:
                await bot.send_message(chat_id, TEXT, parse_mode="HTML")

        await asyncio.gather(*(one(chat_id) for chat_id in range(1, chats + 1)))

    stock = ptb_bot(url, stock=True)
    await stock.initialize()
    base = await measure("stock PTB: httpx, AIORateLimiter, no ledger", send_all(stock), chats)
    await stock.shutdown()

    import aiohttp

    async def bare() -> None:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=CONCURRENCY)) as s:
            gate = asyncio.Semaphore(CONCURRENCY)

            async def one(chat_id: int) -> None:
                async with gate, s.post(f"{url}/bot{TOKEN}/sendMessage",
                                        data={"chat_id": str(chat_id), "text": TEXT,
                                              "parse_mode": "HTML"}) as r:  # fmt: skip
                    await r.read()

            await asyncio.gather(*(one(chat_id) for chat_id in range(1, chats + 1)))

    floor = await measure("bare aiohttp posts (no PTB, no ledger)", bare(), chats)
    print(f"  ours / stock PTB: {ours / base:.2f}x   ours / bare aiohttp: {ours / floor:.2f}")
    print(f"  target > 1000 msg/s: {'met' if ours > 1000 else 'NOT met'}")


async def at_the_limit(quick: bool) -> None:
    scale = Scale(speed=10 if quick else 1)
    print(f"2. At the limit: 2000 chats, {30 * scale.speed:.0f}/s overall, "
          f"1 per {1 / scale.speed:g}s per chat, /start every {scale.start_every:g}s")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        async with FakeBotAPI() as api:
            run = await broadcast_at_the_limit(api, Path(tmp), scale)
    delivered = sum(1 for n in run.copies.values() if n >= 1)
    print(f"  sends counted by the fake: {run.attempts} in {run.seconds:.1f}s = {run.rate:.1f}/s"
          f" = {run.fraction:.1%} of {run.limit:.0f}/s")  # fmt: skip
    print(f"  delivered once: {delivered} of {run.reachable} reachable;"
          f" duplicates {run.duplicates}, missing {run.missing};"
          f" marked inactive {run.inactive} of 120")  # fmt: skip
    print(f"  429 answers: {run.throttled} (every one retried)")
    print(f"  /start replies: {len(run.replies)}, p95 {run.p95 * 1000:.0f} ms,"
          f" max {max(run.replies) * 1000:.0f} ms"
          f" (due within {scale.reply_within:g}s)")  # fmt: skip


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chats", type=int, default=5000)
    parser.add_argument("--quick", action="store_true", help="the limit run ten times faster")
    parser.add_argument("--fake", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--skip-limit", action="store_true", help="only the ceiling")
    args = parser.parse_args()
    if args.fake:
        await serve_fake(args.chats)
        return
    child = subprocess.Popen(
        [sys.executable, __file__, "--fake", "--chats", str(args.chats)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        url = child.stdout.readline().strip()
        await ceiling(url, args.chats)
    finally:
        child.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=5)
    if not args.skip_limit:
        os.sched_setaffinity(0, os.sched_getaffinity(0) | set(range(os.cpu_count() or 1)))
        await at_the_limit(args.quick)


if __name__ == "__main__":
    asyncio.run(main())
