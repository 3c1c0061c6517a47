"""The periodic ticks. Schedule state lives in the database; each tick asks it what is due."""

from __future__ import annotations

import logging

from bot.context import MujazApp, MujazContext

log = logging.getLogger(__name__)

DIGEST_TICK_SECONDS = 30


async def ingest_tick(context: MujazContext) -> None:
    """Poll every enabled feed once."""
    reports = await context.services.ingestor.run()
    new = sum(r.new for r in reports)
    failed = [r.url for r in reports if r.status not in ("ok", "not-modified")]
    log.info("ingest: %d feeds, %d new articles, %d failed", len(reports), new, len(failed))


async def digest_tick(context: MujazContext) -> None:
    """Send the digests whose time has come."""
    await context.services.digests.send_due(context.bot)


def schedule(app: MujazApp, *, ingest_minutes: int) -> None:
    queue = app.job_queue
    assert queue is not None, "python-telegram-bot[job-queue] is a dependency"
    # misfire_grace_time: a tick delayed by a busy loop still runs instead of being dropped.
    job_kwargs = {"misfire_grace_time": 60, "coalesce": True, "max_instances": 1}
    queue.run_repeating(
        ingest_tick, interval=ingest_minutes * 60, first=5, name="ingest", job_kwargs=job_kwargs
    )
    queue.run_repeating(
        digest_tick, interval=DIGEST_TICK_SECONDS, first=10, name="digests", job_kwargs=job_kwargs
    )
