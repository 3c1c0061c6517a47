"""build_application: the python-telegram-bot Application with our hooks, handlers and jobs."""

from __future__ import annotations

import asyncio
import logging

from telegram import BotCommand, BotCommandScopeDefault
from telegram.ext import ApplicationBuilder, ContextTypes

import handlers
from bot.config import Settings
from bot.context import BotData, Clock, MujazApp, MujazContext, Services
from bot.core.render import LANGUAGES
from bot.delivery.outbox import Outbox
from bot.delivery.pacing import Limits
from bot.delivery.transport import AiohttpRequest
from bot.errors import StorageError
from bot.ingest.feedlist import load_feed_list
from bot.jobs import DIGEST_TICK_SECONDS, schedule
from storage.db import utc_now
from storage.lease import LeaseRepository

log = logging.getLogger(__name__)


def build_application(
    settings: Settings,
    *,
    clock: Clock = utc_now,
    jobs: bool = True,
    digest_tick_seconds: float = DIGEST_TICK_SECONDS,
    lease: str | None = None,
) -> MujazApp:
    """`lease`: the instance id that took the sender lease (`mujaz run`); it is renewed
    while the bot runs, and losing it stops the bot."""
    assert settings.bot_token, "checked by the CLI before building"
    api = settings.telegram_api_url
    renewing: list[asyncio.Task[None]] = []

    async def post_init(app: MujazApp) -> None:
        await start_services(app, settings, clock)
        if lease is not None:
            renewing.append(asyncio.create_task(_keep_lease(app, lease, settings, clock)))

    async def post_shutdown(app: MujazApp) -> None:
        for task in renewing:
            task.cancel()
        services = app.bot_data.services
        if services is not None:
            if lease is not None:
                await LeaseRepository(services.db).release(lease)
            await services.close()

    app: MujazApp = (
        ApplicationBuilder()
        .token(settings.bot_token)
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .context_types(ContextTypes(context=MujazContext, bot_data=BotData))
        .rate_limiter(Outbox(outbox_limits(settings)))
        .request(AiohttpRequest())
        .concurrent_updates(8)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    handlers.register(app, admin_ids=settings.admin_ids)
    if jobs:
        schedule(
            app,
            ingest_minutes=settings.ingest_interval_minutes,
            digest_tick_seconds=digest_tick_seconds,
        )
    return app


async def start_services(app: MujazApp, settings: Settings, clock: Clock) -> None:
    """Open the database, settle the ledger, seed feeds and publish the command menu."""
    services = await Services.create(settings, clock=clock)
    app.bot_data.services = services
    uncertain, released = await services.deliveries.recover()
    if uncertain:
        log.warning("%d deliveries were in flight at the last stop; not resent", uncertain)
    if released:
        log.info("%d deliveries claimed before the last stop will be retried", released)
    await seed_feeds(services)
    await set_command_menu(app, services)
    await start_delivery(app, services)


def outbox_limits(settings: Settings) -> Limits:
    return Limits.from_rates(
        overall=settings.send_rate,
        private_chat=settings.chat_send_rate,
        group_per_minute=settings.group_send_rate,
        paid=max(settings.paid_broadcast_rate, settings.paid_digest_rate),
    )


async def start_delivery(app: MujazApp, services: Services) -> None:
    """Broadcasts a stop interrupted go on."""
    uncertain = await services.broadcasts.recover()
    if uncertain:
        log.warning("%d broadcast copies were in flight at the last stop; not resent", uncertain)
    await services.broadcasts.resume(app.bot)


async def _keep_lease(app: MujazApp, instance: str, settings: Settings, clock: Clock) -> None:
    """Renew the sender lease; if another process took it (`mujaz takeover`), stop sending."""
    services = app.bot_data.services
    assert services is not None
    leases = LeaseRepository(services.db)
    while True:
        await asyncio.sleep(settings.lease_heartbeat_seconds)
        try:
            kept = await leases.beat(instance, clock())
        except StorageError as exc:
            log.error("sender lease not renewed: %s", exc)
            continue
        if not kept:
            log.error("another process took the sender lease (mujaz takeover): stopping")
            app.stop_running()
            return


async def seed_feeds(services: Services) -> int:
    """On first start, the configured feed list fills the empty feeds table."""
    if await services.feeds.count():
        return 0
    added = 0
    for spec in load_feed_list(services.settings.feeds_file):
        topics, _ = services.feed_manager.topic_ids(spec.topics)
        _, new = await services.feeds.add(spec.url, spec.name, topics)
        added += new
    log.info("seeded %d feeds from %s", added, services.settings.feeds_file)
    return added


async def set_command_menu(app: MujazApp, services: Services) -> None:
    """The command menu in Arabic (the default) and in English."""
    for language in (None, *LANGUAGES):
        lang = language or LANGUAGES[0]
        commands = [
            BotCommand(name, services.renderer.text(lang, f"commands.{name}"))
            for name in handlers.MENU
        ]
        await app.bot.set_my_commands(
            commands, scope=BotCommandScopeDefault(), language_code=language
        )
