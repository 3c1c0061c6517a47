"""The services every handler and job uses, built once, reached through a typed context."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import httpx
from telegram.ext import Application, CallbackContext, ExtBot

from bot.access import Access
from bot.chat_admins import ChatAdmins
from bot.config import Settings
from bot.core.render import Renderer
from bot.core.topics import Catalog, Classifier
from bot.delivery.broadcast import BroadcastService, concurrency_for
from bot.delivery.digests import DigestService, digest_concurrency
from bot.delivery.lanes import Ticket
from bot.delivery.planner_wake import PlannerWake
from bot.flood import FloodGuard
from bot.ingest.fetch import new_client
from bot.ingest.manage import FeedManager
from bot.ingest.parse_worker import ParserPool, warn_if_expat_is_old
from bot.ingest.pipeline import Ingestor
from bot.ingest.timing import Timing
from bot.story_search import StorySearch
from storage.access import AccessRepository
from storage.articles import ArticleRepository
from storage.backend import Backend
from storage.broadcasts import BroadcastRepository
from storage.chats import ChatRepository
from storage.connect import open_database
from storage.db import utc_now
from storage.deliveries import DeliveryRepository
from storage.feeds import FeedRepository
from storage.follows import FollowRepository
from storage.mutes import MuteRepository
from storage.search import SearchIndex
from storage.stats import StatsRepository
from storage.stories import StoryRepository

if TYPE_CHECKING:
    from bot.ops import Ops

Clock = Callable[[], datetime]


@dataclass
class Services:
    settings: Settings
    db: Backend
    feeds: FeedRepository
    articles: ArticleRepository
    chats: ChatRepository
    deliveries: DeliveryRepository
    stories: StoryRepository
    follows: FollowRepository
    mutes: MuteRepository
    access: Access
    stats: StatsRepository
    admins: ChatAdmins
    flood: FloodGuard
    catalog: Catalog
    classifier: Classifier
    renderer: Renderer
    http: httpx.AsyncClient
    parser: ParserPool
    ingestor: Ingestor
    feed_manager: FeedManager
    digests: DigestService
    broadcasts: BroadcastService
    search: StorySearch
    clock: Clock
    wake: PlannerWake = field(default_factory=PlannerWake)  # new articles (issue 14)

    @classmethod
    async def create(cls, settings: Settings, *, clock: Clock = utc_now) -> Services:
        catalog = Catalog.load(settings.templates_dir / "topics.toml")
        classifier = Classifier(catalog)
        renderer = Renderer(settings.templates_dir)
        db = await open_database(settings.database_path, settings.database_url, clock=clock)
        feeds, articles = FeedRepository(db), ArticleRepository(db)
        chats, deliveries = ChatRepository(db), DeliveryRepository(db)
        stories, follows, mutes = StoryRepository(db), FollowRepository(db), MuteRepository(db)
        broadcast_repo = BroadcastRepository(db)
        access = Access(settings.allowed_chats, settings.admin_ids, AccessRepository(db))
        await access.start()  # which known chats a private instance does not serve now

        async def move_chat(old: int, new: int) -> None:
            """A group that became a supergroup: its settings, topics and ledger rows move."""
            await chats.migrate(old, new)
            await broadcast_repo.move_chat(old, new)

        http = new_client(allow_private=settings.allow_private_feeds)
        warn_if_expat_is_old()
        parser = ParserPool()  # its process starts with the first feed to parse
        ingestor = Ingestor(
            feeds,
            articles,
            stories,
            classifier,
            http,
            timing=Timing(interval=timedelta(minutes=settings.ingest_interval_minutes)),
            clock=clock,
            parser=parser,
        )
        return cls(
            settings=settings,
            db=db,
            feeds=feeds,
            articles=articles,
            chats=chats,
            deliveries=deliveries,
            catalog=catalog,
            classifier=classifier,
            renderer=renderer,
            http=http,
            parser=parser,
            ingestor=ingestor,
            feed_manager=FeedManager(feeds, articles, ingestor),
            stories=stories,
            follows=follows,
            mutes=mutes,
            access=access,
            stats=StatsRepository(db),
            admins=ChatAdmins(clock),
            flood=FloodGuard(
                time.monotonic, limit=settings.flood_commands, window=settings.flood_seconds
            ),
            digests=DigestService(
                chats,
                stories,
                deliveries,
                renderer,
                catalog,
                clock,
                follows,
                mutes=mutes,
                move_chat=move_chat,
                lead=timedelta(minutes=settings.digest_lead_minutes),
                rate=settings.paid_digest_rate or settings.send_rate,
                paid=settings.paid_digest_rate > 0,
                concurrency=digest_concurrency(settings.paid_digest_rate),
            ),
            broadcasts=BroadcastService(
                broadcast_repo,
                renderer,
                concurrency=concurrency_for(settings.paid_broadcast_rate or settings.send_rate),
                paid=settings.paid_broadcast_rate > 0,
                move_chat=move_chat,
            ),
            search=StorySearch(SearchIndex(db), clock),
            clock=clock,
        )

    async def close(self) -> None:
        await self.search.close()
        await self.broadcasts.close()
        await self.http.aclose()
        await self.parser.close()
        await self.db.close()


class BotData:
    """Application-wide state: the services, set in post_init, and operations (bot/ops)."""

    services: Services | None = None
    ops: Ops | None = None


class MujazContext(CallbackContext[ExtBot[Ticket], dict[Any, Any], dict[Any, Any], BotData]):
    @property
    def services(self) -> Services:
        services = self.bot_data.services
        if services is None:
            raise RuntimeError("services are built in post_init, before any update is handled")
        return services


# ExtBot[Ticket]: the outbox's per-request argument (bot/delivery/outbox.py).
MujazApp = Application[ExtBot[Ticket], MujazContext, dict[Any, Any], dict[Any, Any], BotData, Any]
