"""Delivery: the bot's own ceiling, and how much of Telegram's 30/s limit it uses.

    .venv/bin/python bench/delivery.py [--chats 5000] [--quick] [--skip-ceiling|--skip-limit]

1. Ceiling. The fake Bot API runs in a process of its own (on the second core when
   there is one); this process, pinned to one core, sends a broadcast to `--chats`
   chats with every limit off, through the real path: the broadcast job, its ledger
   (SQLite, group commits), the outbox and the aiohttp transport. Printed against
   two baselines measured in the same run: python-telegram-bot's stock stack
   (httpx transport, AIORateLimiter with limits off, no ledger) sending the same
   messages, and bare aiohttp posts (the floor of any Python client here).
   Target: above 1,000 messages a second, so that even paid broadcasts (1,000/s)
   are limited by Telegram, not by us.
2. Full pace from a real host. A broadcast and a digest run, each to 900 chats (45
   blocked the bot, 9 "chat not found"), through the real bot (handlers, ledger,
   outbox, transport) and the fake enforcing 30/s overall and 1/s per chat on the
   arrivals it counts, while a user sends /start every second; Telegram is first on
   loopback, then 150 ms away, each round trip ±50 ms (±4 ms of it on the way
   there). Printed: the bulk sends a second Telegram counted as a fraction of
   SEND_RATE, and with the replies that shared it (target >= 0.95, with no 429),
   duplicates, the /start reply latency, and the 150 ms run against the loopback run
   measured just before it. The exact pace, without this machine's stalls, is
   measured on virtual time by tests/delivery/test_full_pace.py.
   About two and a half minutes; `--quick` runs it ten times faster.
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
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from telegram.ext import AIORateLimiter, ExtBot  # noqa: E402
from telegram.request import HTTPXRequest  # noqa: E402

from bot.core.render import Renderer  # noqa: E402
from bot.delivery.broadcast import BroadcastService  # noqa: E402
from bot.delivery.lanes import Lane, Ticket, sending_as  # noqa: E402
from bot.delivery.outbox import Outbox  # noqa: E402
from bot.delivery.pacing import Limits  # noqa: E402
from bot.delivery.transport import AiohttpRequest  # noqa: E402
from storage.broadcasts import BroadcastRepository  # noqa: E402
from storage.db import Database  # noqa: E402
from tests.delivery.audience import known_to_telegram, seed_chats  # noqa: E402
from tests.delivery.scenario import (  # noqa: E402
    STARTER,
    LimitRun,
    Scale,
    answers_to,
    audience,
    broadcast_at_the_limit,
    keep_starting,
    start_scaled_bot,
)
from tests.fakes.bot_api import FakeBotAPI  # noqa: E402
from tests.fakes.feed_server import FeedServer  # noqa: E402
from tests.feeds import rss, seed_item  # noqa: E402

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


AUDIENCE = (900, 45, 9)  # chats, of which blocked the bot, of which "chat not found"
ROUND_TRIPS = (0.0, 0.150)
JITTER = 0.050
ARRIVAL_JITTER = 0.004


async def digest_run(api: FakeBotAPI, tmp_path: Path, scale: Scale) -> LimitRun:
    """The scenario's broadcast, as a digest tick instead: every chat due at once, one
    digest of one message each, sent by the bot's DigestService in the DIGEST lane."""
    users, blocked, gone = AUDIENCE
    reachable, refusing, lost = audience(users, blocked, gone)
    everyone = [*reachable, *refusing, *lost]
    known_to_telegram(api, reachable, blocked=refusing)
    feeds = FeedServer()
    await feeds.start()
    bot = await start_scaled_bot(api, tmp_path, scale)
    try:
        services = bot.services
        feed, _ = await services.feeds.add(feeds.serve("/news.xml", rss([seed_item()])))
        await services.ingestor.run([feed])
        due = bot.clock.now.replace(second=0, microsecond=0)
        bot.clock.now = due + timedelta(seconds=2)
        published = (due - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        await services.db.execute("UPDATE articles SET published_at = ?", (published,))
        await seed_chats(services.db, everyone, topic="south_caucasus")
        await services.db.execute(
            "UPDATE users SET timezone = 'UTC', digest_times = ?", (due.strftime("%H:%M"),)
        )
        asked: list[float] = []
        starter = asyncio.create_task(keep_starting(api, scale, asked))
        try:
            with sending_as(Lane.DIGEST):  # as the digest tick sends
                await services.digests.send_due(bot.app.bot)
        finally:
            starter.cancel()
            await asyncio.gather(starter, return_exceptions=True)
        await api.wait_for(lambda: len(answers_to(api, STARTER)) >= len(asked), timeout=30)
        copies = Counter(m["chat"]["id"] for m in api.sent if m["chat"]["id"] in set(everyone))
        times = [t for t, _, chat in api.counted if chat in set(everyone)]
        answers = answers_to(api, STARTER)[: len(asked)]
        return LimitRun(
            audience=users,
            reachable=len(reachable),
            copies=copies,
            inactive=0,
            attempts=len(times),
            seconds=max(times) - min(times),
            limit=30 * scale.speed,
            throttled=len(api.throttled),
            replies=[answer - ask for ask, answer in zip(asked, answers, strict=True)],
            asked=asked,
            answered=answers,
            ended=max(times),
        )
    finally:
        await bot.stop()
        await feeds.stop()


async def full_pace(quick: bool) -> None:
    scale = Scale(speed=10 if quick else 1)
    users, blocked, gone = AUDIENCE
    print(f"2. Full pace: {users} chats at {30 * scale.speed:.0f}/s, 1 per"
          f" {1 / scale.speed:g}s per chat, /start every {scale.start_every:g}s; Telegram"
          f" 0 and {ROUND_TRIPS[1] * 1000:.0f} ms away, ±{JITTER * 1000:.0f} ms"
          + (" (ten times faster: times scaled)" if quick else ""))  # fmt: skip
    held: dict[tuple[str, float], float] = {}  # with the replies: the bot's use of SEND_RATE
    for round_trip in ROUND_TRIPS:
        for kind in ("broadcast", "digest run"):
            with tempfile.TemporaryDirectory() as tmp:
                async with FakeBotAPI() as api:
                    api.set_latency(
                        round_trip / scale.speed,
                        JITTER / scale.speed,
                        arrival_jitter=ARRIVAL_JITTER / scale.speed,
                        seed=13,
                    )
                    if kind == "broadcast":
                        run = await broadcast_at_the_limit(
                            api, Path(tmp), scale, users=users, blocked=blocked, gone=gone
                        )
                    else:
                        run = await digest_run(api, Path(tmp), scale)
            replied = sum(1 for at in run.answered if at <= run.ended)  # replies share the limit
            with_replies = (run.attempts + replied - 1) / run.seconds / run.limit
            held[kind, round_trip] = with_replies
            print(f"  {kind:<10} {round_trip * 1000:3.0f} ms: {run.attempts} sends in"
                  f" {run.seconds:.1f}s = {run.rate:.1f}/s = {run.fraction:.3f} of SEND_RATE"
                  f" ({with_replies:.3f} with the {replied} replies);"
                  f" 429s {run.throttled}; duplicates {run.duplicates}, missing {run.missing};"
                  f" /start replies p95 {run.p95 * 1000:.0f} ms")  # fmt: skip
    for kind in ("broadcast", "digest run"):
        far, near = held[kind, ROUND_TRIPS[1]], held[kind, ROUND_TRIPS[0]]
        print(f"  {kind}: {ROUND_TRIPS[1] * 1000:.0f} ms / loopback = {far / near:.3f};"
              f" target >= 0.95 of SEND_RATE used at both, replies included:"
              f" {'met' if min(far, near) >= 0.95 else 'NOT met'}")  # fmt: skip


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chats", type=int, default=5000)
    parser.add_argument("--quick", action="store_true", help="the limit run ten times faster")
    parser.add_argument("--fake", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--skip-limit", action="store_true", help="only the ceiling")
    parser.add_argument("--skip-ceiling", action="store_true", help="only the full pace runs")
    args = parser.parse_args()
    if args.fake:
        await serve_fake(args.chats)
        return
    if not args.skip_ceiling:
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
        os.sched_setaffinity(0, os.sched_getaffinity(0) | set(range(os.cpu_count() or 1)))
    if not args.skip_limit:
        await full_pace(args.quick)


if __name__ == "__main__":
    asyncio.run(main())
