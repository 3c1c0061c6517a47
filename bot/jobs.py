"""The periodic ticks. Schedule state lives in the database; each tick asks it what is due."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from bot.context import MujazApp, MujazContext
from bot.core.health import OUTBOX_HELD_LIMIT
from bot.delivery.lanes import Lane, sending_as
from bot.delivery.outbox import outbox_of

log = logging.getLogger(__name__)

DIGEST_TICK_SECONDS = 30
# The ingest tick asks storage which feeds are due; each feed's own interval
# (INGEST_INTERVAL_MINUTES, pushed later by cache hints, Retry-After and
# backoff) decides when that is. A tick takes at most this many feeds.
INGEST_TICK_SECONDS = 60
FEEDS_PER_TICK = 200
PRUNE_EVERY_SECONDS = 6 * 3600


async def ingest_tick(context: MujazContext) -> None:
    """Check the feeds whose next-check time has come."""
    started = time.monotonic()
    reports = await context.services.ingestor.run_due(limit=FEEDS_PER_TICK)
    if not reports:
        return
    ops = context.bot_data.ops
    if ops is not None:
        ops.metrics.ingested(time.monotonic() - started, reports)
        if ops.alerts is not None:
            await ops.alerts.feeds_checked(reports, context.services.feeds)
    new = sum(r.new for r in reports)
    if new:
        context.services.wake.articles_stored(new)  # in-process: the planner looks now
    failed = [r.url for r in reports if r.failed]
    log.info("ingest: %d feeds due, %d new articles, %d failed", len(reports), new, len(failed))


async def prune_tick(context: MujazContext) -> None:
    """Drop articles past the retention age, so the database stays bounded."""
    services = context.services
    await services.ingestor.prune(timedelta(days=services.settings.article_retention_days))


async def digest_tick(context: MujazContext) -> None:
    """Send the digests whose time has come; bulk in the outbox, behind any reply.

    A run may last longer than a tick (a big audience at one time): the run in progress
    takes in whoever falls due meanwhile, so a tick that finds one going does nothing.
    """
    digests = context.services.digests
    if digests.running:
        return
    with sending_as(Lane.DIGEST):
        await digests.send_due(context.bot)


async def plan_on_new_articles(app: MujazApp) -> None:
    """The planner woken by new articles (bot/delivery/planner_wake.py), as a digest tick."""
    services = app.bot_data.services
    if services is None or services.digests.running:
        return
    with sending_as(Lane.DIGEST):
        await services.digests.send_due(app.bot)


async def heartbeat_tick(context: MujazContext) -> None:
    """The scheduler is alive (/healthz); alert when bulk sending is held by 429s too long."""
    ops = context.bot_data.ops
    if ops is None:
        return
    ops.health.ticked()
    outbox = outbox_of(context.bot)
    held = outbox.held_for() if outbox is not None else 0.0
    if held > OUTBOX_HELD_LIMIT and ops.alerts is not None:
        ops.alerts.outbox_held(held)


def schedule(
    app: MujazApp,
    *,
    ingest_minutes: int,
    digest_tick_seconds: float = DIGEST_TICK_SECONDS,
    ingest: bool = True,
) -> None:
    """The ticks; `ingest=False` (`mujaz run --role bot`) leaves feeds and pruning to the
    ingest processes (bot/ingest_role.py)."""
    queue = app.job_queue
    assert queue is not None, "python-telegram-bot[job-queue] is a dependency"
    # misfire_grace_time: a tick delayed by a busy loop still runs instead of being dropped.
    job_kwargs = {"misfire_grace_time": 60, "coalesce": True, "max_instances": 1}
    # ingest_minutes is each feed's own interval, kept by the ingestor's timing; the
    # tick itself runs every minute and fetches only the feeds that are due.
    if ingest:
        queue.run_repeating(
            ingest_tick, interval=INGEST_TICK_SECONDS, first=5, name="ingest", job_kwargs=job_kwargs
        )
        queue.run_repeating(
            prune_tick, interval=PRUNE_EVERY_SECONDS, first=60, name="prune", job_kwargs=job_kwargs
        )
    queue.run_repeating(
        heartbeat_tick,
        interval=digest_tick_seconds,
        first=0,
        name="heartbeat",
        job_kwargs=job_kwargs,
    )
    queue.run_repeating(
        digest_tick,
        interval=digest_tick_seconds,
        first=min(10.0, digest_tick_seconds),
        name="digests",
        # Two: the second finds the first's long run going and returns at once, instead
        # of the scheduler warning every tick that the job is still running.
        job_kwargs={**job_kwargs, "max_instances": 2},
    )
