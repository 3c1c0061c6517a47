"""Composing a reader's digest and delivering it once per period, through the ledger."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from telegram import Bot

from bot.core.digest import select_items
from bot.core.render import Renderer
from bot.core.schedule import due_period, zone
from bot.delivery.sender import BLOCKED, SENT, Outcome, send_html
from bot.models import User
from storage.articles import ArticleRepository
from storage.db import to_db_time
from storage.deliveries import DIGEST, MANUAL_DIGEST, DeliveryRepository
from storage.users import UserRepository

log = logging.getLogger(__name__)

FIRST_DIGEST_LOOKBACK = timedelta(hours=24)
MAX_LOOKBACK = timedelta(days=3)
CANDIDATES = 200


@dataclass(frozen=True)
class Composed:
    messages: list[str]  # empty when there is nothing new
    watermark: int  # the newest article id this digest accounts for


class DigestService:
    def __init__(
        self,
        users: UserRepository,
        articles: ArticleRepository,
        deliveries: DeliveryRepository,
        renderer: Renderer,
        clock: Callable[[], datetime],
    ) -> None:
        self.users = users
        self.articles = articles
        self.deliveries = deliveries
        self.renderer = renderer
        self.clock = clock

    async def compose(
        self, user: User, topics: list[str], *, now: datetime, since: datetime | None = None
    ) -> Composed:
        """The digest of what is new for `user` since their last one (or since `since`)."""
        watermark = await self.articles.max_id()
        if since is None:
            lookback = FIRST_DIGEST_LOOKBACK if user.last_article_id is None else MAX_LOOKBACK
            since = now - lookback
        found = await self.articles.for_topics(
            topics, after_id=user.last_article_id, since=since, limit=CANDIDATES
        )
        found = [a for a in found if a.id <= watermark]
        items, more = select_items(found)
        if not items:
            return Composed([], watermark)
        local_now = now.astimezone(zone(user.timezone))
        return Composed(
            self.renderer.digest(user.language, items, now=local_now, more=more), watermark
        )

    async def send_now(self, bot: Bot, user: User, topics: list[str]) -> Outcome | None:
        """A digest on request (/digest); None when there is nothing new to send."""
        now = self.clock()
        delivery_id = await self.deliveries.claim(user.chat_id, MANUAL_DIGEST, to_db_time(now))
        if delivery_id is None:  # the same second twice: the first request is being served
            return None
        return await self._deliver(bot, user, topics, delivery_id, now=now)

    async def send_due(self, bot: Bot) -> dict[str, int]:
        """One schedule tick: every reader whose digest time has come and who has none yet."""
        now = self.clock()
        counts: dict[str, int] = {}
        for user in await self.users.receiving():
            period = due_period(now, zone(user.timezone), user.digest_time)
            if period is None:
                continue
            delivery_id = await self.deliveries.claim(user.chat_id, DIGEST, period)
            if delivery_id is None:
                continue
            outcome = await self._deliver(
                bot, user, await self.users.topics(user.chat_id), delivery_id, now=now
            )
            status = outcome.status if outcome else "empty"
            counts[status] = counts.get(status, 0) + 1
        if counts:
            log.info("digest tick: %s", counts)
        return counts

    async def _deliver(
        self, bot: Bot, user: User, topics: list[str], delivery_id: int, *, now: datetime
    ) -> Outcome | None:
        composed = await self.compose(user, topics, now=now)
        if not composed.messages:
            await self.deliveries.mark(delivery_id, "empty")
            return None
        await self.deliveries.mark(delivery_id, "sending")
        outcome = await send_html(bot, user.chat_id, composed.messages)
        if outcome.status == SENT:
            await self.deliveries.finish(
                delivery_id,
                chat_id=user.chat_id,
                messages=outcome.messages,
                watermark=composed.watermark,
            )
        else:
            await self.deliveries.mark(
                delivery_id, outcome.status, messages=outcome.messages, error=outcome.error
            )
            if outcome.status == BLOCKED:
                await self.users.update(user.chat_id, active=False)
        return outcome
