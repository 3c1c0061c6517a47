"""Admin commands. Registered behind the ADMIN_IDS filter: for anyone else they do not exist."""

from __future__ import annotations

import asyncio
import logging

from telegram import Update

from bot.charts import ChartText, stats_chart
from bot.context import MujazContext
from handlers.common import language_of, reply

log = logging.getLogger(__name__)


def who(update: Update) -> str:
    user = update.effective_user
    return f"{user.id} (@{user.username})" if user else "unknown"


async def ingest(update: Update, context: MujazContext) -> None:
    """/ingest: one pass over every enabled feed now, then a summary."""
    log.info("admin %s: /ingest", who(update))
    await reply(update, context, "admin.ingest_started")
    reports = await context.services.ingestor.run()
    failed = [r for r in reports if r.failed]
    await reply(
        update,
        context,
        "admin.ingest_done",
        feeds=len(reports),
        new=sum(r.new for r in reports),
        failed=len(failed),
        failures=[(r.url, r.status) for r in failed[:10]],
    )


async def stats(update: Update, context: MujazContext) -> None:
    """/stats: chats, topics, stories a day, deliveries and feed health; text and a chart."""
    log.info("admin %s: /stats", who(update))
    services = context.services
    language = language_of(update)
    found = await services.stats.gather(services.clock())
    catalog = services.catalog
    ids = sorted(catalog.ids(), key=lambda t: (-found.subscribers.get(t, 0), t))
    topics = [
        (
            catalog[t].name(language),
            found.subscribers.get(t, 0),
            sum(found.articles.get(t, {}).values()),
        )
        for t in ids
    ]
    await reply(update, context, "admin.stats", active=found.active, paused=found.paused,
                blocked=found.blocked, topics=topics, digests=found.digests,
                broadcasts=found.broadcasts, copies=found.copies, feeds=found.feeds,
                healthy=found.healthy, failing=found.failing, disabled=found.disabled)  # fmt: skip
    await stats_run(update, context)
    names = {t: catalog[t].name(language) for t in catalog.ids()}
    words = ChartText(
        daily_title=services.renderer.text(language, "stats_chart.daily_title"),
        subscribers_title=services.renderer.text(language, "stats_chart.subscribers_title"),
    )
    chart = await asyncio.to_thread(stats_chart, found, names, words)
    message = update.effective_message
    if message is not None:
        caption = services.renderer.text(language, "admin.stats_chart")
        await message.reply_photo(chart, caption=caption, do_quote=False)


async def stats_run(update: Update, context: MujazContext) -> None:
    """The last digest run: how late its digests left, and what paid sending cost."""
    runs = context.services.digests.runs
    last = await runs.last()
    if last is None:
        await reply(update, context, "admin.stats_no_run")
        return
    late, paid = last.lateness, await runs.paid_total()
    started = last.started_at.strftime("%Y-%m-%d %H:%M UTC")
    await reply(update, context, "admin.stats_run", started=started,
                running=last.ended_at is None, digests=late.digests,
                median=late.minutes(late.median), p95=late.minutes(late.p95),
                max=late.minutes(late.max), paid_digests=paid.digests,
                paid_messages=paid.messages, stars=paid.stars)  # fmt: skip
