"""build_application: the python-telegram-bot Application with our hooks, handlers and jobs."""

from __future__ import annotations

import asyncio
import logging

from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, TypeHandler

import handlers
from bot.backups import schedule_backups
from bot.config import Settings
from bot.context import BotData, Clock, MujazApp, MujazContext, Services
from bot.delivery.outbox import Outbox, outbox_of
from bot.delivery.pacing import Limits
from bot.delivery.planner_wake import wake_loop
from bot.delivery.transport import AiohttpRequest
from bot.errors import StorageError
from bot.held_lease import HeldLease
from bot.ingest.feedlist import load_feed_list
from bot.jobs import DIGEST_TICK_SECONDS, plan_on_new_articles, schedule
from bot.logs import tag
from bot.ops import Ops
from bot.ops.alerts import Alerts
from bot.ops.health import PollRequest
from bot.ops.server import OpsServer
from bot.roles import Role
from handlers import menu
from storage.article_notify import ArticleListener
from storage.db import utc_now
from storage.ops import OpsRepository
from storage.postgres_db import PostgresDatabase

log = logging.getLogger(__name__)


def build_application(
    settings: Settings,
    *,
    clock: Clock = utc_now,
    jobs: bool = True,
    digest_tick_seconds: float = DIGEST_TICK_SECONDS,
    lease: HeldLease | None = None,
    ops: Ops | None = None,
    role: Role = Role.ALL,
) -> MujazApp:
    """`lease`: the sender lease of `mujaz run` (bot/held_lease.py): on PostgreSQL taken
    here, a standby waiting until the holder is gone; renewed while the bot runs, and
    losing it stops the bot. `ops`: health, metrics and alerts
    (tests pass one with their own clock). `role`: `bot` leaves out ingestion."""
    assert settings.bot_token, "checked by the CLI before building"
    api = settings.telegram_api_url
    renewing: list[asyncio.Task[None]] = []  # the lease's renewal, the planner's wake loop
    listening: list[ArticleListener] = []
    ops = ops or Ops()
    ops.health.webhook = settings.webhook_url is not None

    async def post_init(app: MujazApp) -> None:
        if lease is not None:
            await lease.take()  # the ledger is settled only by the process that holds it
        await start_services(app, settings, clock)
        if lease is not None:
            renewing.append(asyncio.create_task(_keep_lease(app, lease, settings, clock)))
        if jobs:
            renewing.extend(await start_wake(app, settings, role, listening))
        if settings.ops_listen:
            await start_ops_server(app, ops, settings)

    async def post_shutdown(app: MujazApp) -> None:
        for task in renewing:
            task.cancel()
        for listener in listening:
            await listener.close()
        if ops.server is not None:
            await ops.server.stop()
        if ops.alerts is not None:
            await ops.alerts.close()
        services = app.bot_data.services
        if lease is not None:
            await lease.release(services.db if services is not None else None)
        if services is not None:
            await services.close()

    app: MujazApp = (
        ApplicationBuilder()
        .token(settings.bot_token)
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .context_types(ContextTypes(context=MujazContext, bot_data=BotData))
        .rate_limiter(Outbox(outbox_limits(settings)))
        .request(AiohttpRequest())
        .get_updates_request(PollRequest(ops.health.polled))  # /healthz: polling's last success
        .concurrent_updates(8)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    app.bot_data.ops = ops
    handlers.register(app, admin_ids=settings.admin_ids)
    app.add_handler(TypeHandler(Update, _tag_log_lines), group=-1000)
    if jobs:
        ops.health.tick_seconds = digest_tick_seconds
        schedule(
            app,
            ingest_minutes=settings.ingest_interval_minutes,
            digest_tick_seconds=digest_tick_seconds,
            ingest=role.ingests,
        )
        schedule_backups(app, settings)
    return app


async def _tag_log_lines(update: Update, context: MujazContext) -> None:
    """Lines logged while this update is handled (errors too) carry its chat's id."""
    chat = update.effective_chat
    tag(chat_id=chat.id if chat else None)


async def start_services(app: MujazApp, settings: Settings, clock: Clock) -> None:
    """Open the database, settle the ledger, seed feeds and publish the command menu."""
    services = await Services.create(settings, clock=clock)
    app.bot_data.services = services
    alerts = Alerts(
        app.bot,
        settings.alert_chat_id,
        services.renderer,
        services.chats,
        feed_failures=settings.alert_feed_failures,
    )
    if app.bot_data.ops is not None:
        app.bot_data.ops.alerts = alerts
    # Digests a stop cut between forum threads stay open (before the ledger settles the rest).
    open_digests = await services.digests.sections.recover()
    uncertain, released = await services.deliveries.recover()
    if uncertain:
        log.warning("%d deliveries were in flight at the last stop; not resent", uncertain)
    if released:
        log.info("%d deliveries claimed before the last stop will be retried", released)
    services.search.start_catch_up()
    await seed_feeds(services)
    await set_command_menu(app, services)
    copies = await start_delivery(app, services)
    alerts.uncertain_at_start(digests=uncertain, broadcasts=copies)
    if open_digests:
        log.info("%d digests cut between forum threads go on", len(open_digests))
        services.digests.start_resume(app.bot, open_digests)


async def start_wake(
    app: MujazApp, settings: Settings, role: Role, listening: list[ArticleListener]
) -> list[asyncio.Task[None]]:
    """New articles wake the planner: from this process's own ingestion, and on PostgreSQL
    from ingest processes on any host (LISTEN); nothing for the `ingest` role."""
    services = app.bot_data.services
    if services is None or not role.talks_to_telegram:
        return []
    if isinstance(services.db, PostgresDatabase) and settings.database_url:
        listener = ArticleListener(settings.database_url, services.wake.articles_stored)
        await listener.start()
        listening.append(listener)
    return [asyncio.create_task(wake_loop(services.wake, lambda: plan_on_new_articles(app)))]


async def start_ops_server(app: MujazApp, ops: Ops, settings: Settings) -> None:
    """/healthz, /metrics and, in webhook mode, the webhook route, on OPS_LISTEN."""
    assert settings.ops_listen

    def repository() -> OpsRepository | None:
        services = app.bot_data.services
        return OpsRepository(services.db) if services is not None else None

    ops.metrics.outbox = outbox_of(app.bot)
    ops.server = OpsServer(
        app,
        ops,
        repository,
        listen=settings.ops_listen,
        webhook_path=settings.webhook_route if settings.webhook_url else None,
        webhook_secret=settings.webhook_secret,
    )
    await ops.server.start()


def outbox_limits(settings: Settings) -> Limits:
    return Limits.from_rates(
        overall=settings.send_rate,
        private_chat=settings.chat_send_rate,
        group_per_minute=settings.group_send_rate,
        paid=max(settings.paid_broadcast_rate, settings.paid_digest_rate),
    )


async def start_delivery(app: MujazApp, services: Services) -> int:
    """Broadcasts a stop interrupted go on; returns how many copies were left uncertain."""
    uncertain = await services.broadcasts.recover()
    if uncertain:
        log.warning("%d broadcast copies were in flight at the last stop; not resent", uncertain)
    await services.broadcasts.resume(app.bot)
    return uncertain


async def _keep_lease(app: MujazApp, lease: HeldLease, settings: Settings, clock: Clock) -> None:
    """Renew the sender lease; if another process took it (`mujaz takeover`), or the lock's
    session is gone (PostgreSQL), stop sending."""
    services = app.bot_data.services
    assert services is not None
    leases = lease.repository(services.db)
    while True:
        await asyncio.sleep(settings.lease_heartbeat_seconds)
        try:
            kept = await leases.beat(lease.instance, clock())
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
    """The command menus (readers', each admin's) and the bot's description, per language."""
    await menu.publish(app.bot, services)
