"""`mujaz run --role ingest`: the feed pipeline alone, on its own tick, until SIGTERM.

The same work the bot's ingest and prune jobs do (bot/jobs.py), without Telegram: no
Application, no polling, no sender lease. On PostgreSQL each feed's article transaction
NOTIFYs the bot's planner as it commits (storage/articles.py, storage/article_notify.py);
on SQLite the bot's own digest tick finds them. A stop cancels the pass in progress; articles
are stored per feed, so what was stored stays, and the next pass files what was not.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Coroutine
from datetime import timedelta
from typing import Any

from bot.config import Settings
from bot.context import Services
from bot.jobs import FEEDS_PER_TICK, INGEST_TICK_SECONDS, PRUNE_EVERY_SECONDS

log = logging.getLogger(__name__)


async def run_ingest_role(settings: Settings, *, tick_seconds: float = INGEST_TICK_SECONDS) -> None:
    """Ingest the due feeds every tick (the first at once) until SIGTERM or SIGINT."""
    from bot.app import seed_feeds

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    services = await Services.create(settings)
    try:
        await seed_feeds(services)
        log.info("role ingest: started (no Telegram, no sender lease)")
        pruned_at = time.monotonic()
        while not stop.is_set():
            if not await _until_stopped(one_pass(services), stop):
                break
            if time.monotonic() - pruned_at >= PRUNE_EVERY_SECONDS:
                pruned_at = time.monotonic()
                retention = timedelta(days=settings.article_retention_days)
                await _until_stopped(services.ingestor.prune(retention), stop)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), tick_seconds)
    finally:
        try:
            await services.close()
        finally:
            # Only now: a second SIGTERM while the connections close must not kill it.
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.remove_signal_handler(sig)
    log.info("role ingest: stopped")


async def one_pass(services: Services) -> None:
    """The due feeds, as bot/jobs.py's ingest tick takes them."""
    reports = await services.ingestor.run_due(limit=FEEDS_PER_TICK)
    if reports:
        new = sum(r.new for r in reports)
        failed = sum(r.failed for r in reports)
        log.info("ingest: %d feeds due, %d new articles, %d failed", len(reports), new, failed)


async def _until_stopped(work: Coroutine[Any, Any, object], stop: asyncio.Event) -> bool:
    """Run `work` unless `stop` comes first (then cancel it); whether it finished."""
    task = asyncio.ensure_future(work)
    stopping = asyncio.ensure_future(stop.wait())
    await asyncio.wait({task, stopping}, return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()
    if task.done():
        task.result()
        return True
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    return False
