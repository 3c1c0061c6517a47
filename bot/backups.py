"""Scheduled backups inside the running bot: BACKUP_DIR, BACKUP_EVERY_HOURS, BACKUP_KEEP.

The job makes the same copy as `mujaz backup` (storage/backup.py), in a worker thread so
the bot goes on answering, and keeps the newest BACKUP_KEEP. A failed backup is logged
at ERROR (`backup failed`), alerts ALERT_CHAT_ID, and the bot carries on: it never stops
the bot.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.config import Settings
from bot.context import MujazApp, MujazContext
from bot.ops.alerts import Alerts, alerts_of
from storage.backup import Copy, make_backup, newest_backup, prune

log = logging.getLogger(__name__)

FIRST_AFTER_SECONDS = 60.0  # a bot that starts with no recent backup makes one this soon


async def backup_now(
    database: Path, folder: Path, keep: int, alerts: Alerts | None = None
) -> Copy | None:
    """One backup and the pruning after it; None (an ERROR line, and an alert to the
    operator's chat) when it failed."""
    try:
        copy = await asyncio.to_thread(make_backup, database, folder)
        removed = await asyncio.to_thread(prune, folder, keep)
    except Exception as exc:
        log.error("backup failed: %s", exc, exc_info=exc)
        if alerts is not None:
            alerts.backup_failed(str(exc) or type(exc).__name__, destination=str(folder))
        return None
    log.info("backup: %s (%d old ones removed)", copy.describe(), len(removed))
    return copy


async def backup_job(context: MujazContext) -> None:
    settings = context.services.settings
    assert settings.backup_dir is not None, "scheduled only with BACKUP_DIR"
    await backup_now(
        settings.database_path,
        settings.backup_dir,
        settings.backup_keep,
        alerts_of(context.application),
    )


def schedule_backups(app: MujazApp, settings: Settings, now: datetime | None = None) -> None:
    """Every BACKUP_EVERY_HOURS, the first one when the newest in BACKUP_DIR comes of age
    (soon after the start when there is none), so restarts neither skip nor pile up."""
    if settings.backup_dir is None:
        return
    queue = app.job_queue
    assert queue is not None, "python-telegram-bot[job-queue] is a dependency"
    every = timedelta(hours=settings.backup_every_hours)
    last = newest_backup(settings.backup_dir)
    age = (now or datetime.now(UTC)) - last if last else every
    first = max(FIRST_AFTER_SECONDS, (every - age).total_seconds())
    if every.total_seconds() < FIRST_AFTER_SECONDS:
        first = every.total_seconds()  # a test's short interval
    queue.run_repeating(
        backup_job,
        interval=every,
        first=first,
        name="backup",
        job_kwargs={"misfire_grace_time": 3600, "coalesce": True, "max_instances": 1},
    )
