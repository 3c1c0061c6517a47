"""Admin commands. Registered behind the ADMIN_IDS filter: for anyone else they do not exist."""

from __future__ import annotations

import logging

from telegram import Update

from bot.context import MujazContext
from handlers.common import reply

log = logging.getLogger(__name__)


def who(update: Update) -> str:
    user = update.effective_user
    return f"{user.id} (@{user.username})" if user else "unknown"


async def ingest(update: Update, context: MujazContext) -> None:
    """/ingest: one pass over every enabled feed now, then a summary."""
    log.info("admin %s: /ingest", who(update))
    await reply(update, context, "admin.ingest_started")
    reports = await context.services.ingestor.run()
    failed = [r for r in reports if r.status not in ("ok", "not-modified")]
    await reply(
        update,
        context,
        "admin.ingest_done",
        feeds=len(reports),
        new=sum(r.new for r in reports),
        failed=len(failed),
        failures=[(r.url, r.status) for r in failed[:10]],
    )
