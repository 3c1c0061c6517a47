"""Who is due at a tick: the chats whose digest time has come, each with its claimed ledger row."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from bot.core.compose import MAX_LOOKBACK, Pool, RenderingKey, rendering_key
from bot.core.schedule import due_slot, zone
from bot.delivery.digest_pool import PoolReader
from bot.errors import BadTimezone
from bot.models import Chat, DigestKind
from storage.chats import ChatRepository
from storage.deliveries import DeliveryRepository
from storage.follows import FollowRepository
from storage.mutes import MuteRepository

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Due:
    """A chat whose digest is due, with its claimed ledger row."""

    chat: Chat
    delivery_id: int
    topics: tuple[str, ...]
    phrases: tuple[str, ...] = ()  # keys of the chat's own phrases (/follow)
    mutes: tuple[str, ...] = ()  # keys of the chat's muted phrases (/mute)

    def key(self, now: datetime) -> RenderingKey:
        return rendering_key(self.chat, self.topics, self.phrases, now, self.mutes)


class DuePlanner:
    def __init__(
        self,
        chats: ChatRepository,
        deliveries: DeliveryRepository,
        follows: FollowRepository,
        pools: PoolReader,
        mutes: MuteRepository,
    ) -> None:
        self.chats = chats
        self.deliveries = deliveries
        self.follows = follows
        self.pools = pools
        self.mutes = mutes

    async def plan_due(self, now: datetime) -> tuple[list[Due], Pool]:
        """Claim the ledger rows of every chat due at `now`; load the stories they draw from.

        A chat already holding its period's row (sent, or being sent) is left out. The
        chats come back sorted by rendering key, so composing them in this order renders
        each distinct digest once.
        """
        periods: list[tuple[Chat, str]] = []
        for chat in await self.chats.receiving():
            try:
                period = due_slot(now, zone(chat.timezone), chat.schedule)
            except BadTimezone:  # a zone this tz database no longer has: that chat alone waits
                log.warning("chat %s: unknown time zone %r, no digest", chat.chat_id, chat.timezone)
                continue
            if period is not None:
                periods.append((chat, period))
        claimed = await self.deliveries.claim_many(
            [(chat.chat_id, period) for chat, period in periods], DigestKind.SCHEDULED
        )
        chats = [(chat, claimed[chat.chat_id]) for chat, _ in periods if chat.chat_id in claimed]
        if not chats:
            return [], Pool([], 0, now)
        chat_ids = [chat.chat_id for chat, _ in chats]
        topics_of = await self.chats.topics_of(chat_ids)
        follows_of = await self.follows.of_many(chat_ids)
        mutes_of = await self.mutes.of_many(chat_ids)
        all_topics = sorted({t for topics in topics_of.values() for t in topics})
        all_phrases = {key: phrase for pairs in follows_of.values() for key, phrase in pairs}
        all_mutes = {key: phrase for pairs in mutes_of.values() for key, phrase in pairs}
        oldest = min(chat.last_article_id or 0 for chat, _ in chats)
        pool = await self.pools.pool(
            all_topics,
            newer_than=oldest,
            since=now - MAX_LOOKBACK,
            phrases=all_phrases.items(),
            mutes=all_mutes.items(),
        )
        planned = [
            Due(
                chat,
                delivery_id,
                tuple(topics_of[chat.chat_id]),
                tuple(key for key, _ in follows_of.get(chat.chat_id, ())),
                tuple(key for key, _ in mutes_of.get(chat.chat_id, ())),
            )
            for chat, delivery_id in chats
        ]
        planned.sort(key=lambda due: due.key(now))
        return planned, pool
