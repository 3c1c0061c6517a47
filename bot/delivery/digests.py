"""Composing a chat's digest and delivering it once per period, through the ledger.

A run (a schedule tick, or one /digest) first files new articles under stories, then
loads the fresh stories once and builds each chat's digest from them in memory.
Chats that would get the same digest (same topics, settings, last digest and local
date) share one rendering: the cost grows with distinct combinations, not chats.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from telegram import Bot

from bot.core.cluster import WINDOW, assign_stories
from bot.core.digest import Digest, Story, StoryIndex, group_stories
from bot.core.phrases import PhraseMatcher
from bot.core.render import Renderer, default_digits
from bot.core.schedule import due_slot, zone
from bot.core.topics import Catalog
from bot.delivery.outbox import OutboxStopped
from bot.delivery.sender import MoveChat, Outcome, SendStatus, send_html
from bot.models import User
from storage.db import to_db_time
from storage.deliveries import DIGEST, MANUAL_DIGEST, MORE_DIGEST, DeliveryRepository
from storage.follows import FollowRepository
from storage.stories import StoryRepository
from storage.users import UserRepository

log = logging.getLogger(__name__)

FIRST_DIGEST_LOOKBACK = timedelta(hours=24)
MAX_LOOKBACK = timedelta(days=3)
EMPTY = "empty"
RENDERINGS_KEPT = 64
CONCURRENT_SENDS = 32  # digests in flight at once; Telegram's pace is the outbox's job


@dataclass(frozen=True)
class Composed:
    messages: list[str]  # empty when there is nothing new
    window: tuple[int, int]  # stories after [0] up to [1] were considered
    story_ids: list[int] = field(default_factory=list)


@dataclass
class Pool:
    """The fresh stories of one run, ranked once, shared by every chat it serves.

    Renderings are kept in a small LRU: a run visits chats grouped by rendering key,
    so each rendering is made once and memory stays flat however many chats there are.
    """

    stories: list[Story]
    newest_article: int
    now: datetime
    phrase_hits: dict[int, set[str]] = field(default_factory=dict)  # story -> phrase keys
    renderings: OrderedDict[tuple[object, ...], Composed] = field(default_factory=OrderedDict)
    rendered: int = 0  # renderings made (cache misses)

    def __post_init__(self) -> None:
        self.index = StoryIndex(self.stories, self.now, self.phrase_hits)

    def cached(self, key: tuple[object, ...]) -> Composed | None:
        composed = self.renderings.get(key)
        if composed is not None:
            self.renderings.move_to_end(key)
        return composed

    def keep(self, key: tuple[object, ...], composed: Composed) -> None:
        self.rendered += 1
        self.renderings[key] = composed
        if len(self.renderings) > RENDERINGS_KEPT:
            self.renderings.popitem(last=False)


@dataclass(frozen=True, slots=True)
class Due:
    """A chat whose digest is due, with its claimed ledger row."""

    user: User
    delivery_id: int
    topics: tuple[str, ...]
    phrases: tuple[str, ...] = ()  # keys of the chat's own phrases (/follow)


def rendering_key(
    user: User, topics: Sequence[str], phrases: Sequence[str], now: datetime
) -> tuple[object, ...]:
    """Chats with equal keys get the very same digest messages."""
    return (
        tuple(topics),
        tuple(phrases),
        user.language,
        user.digits or default_digits(user.language),
        user.max_items,
        user.last_article_id or 0,
        now.astimezone(zone(user.timezone)).date(),
    )


class DigestService:
    def __init__(
        self,
        users: UserRepository,
        stories: StoryRepository,
        deliveries: DeliveryRepository,
        renderer: Renderer,
        catalog: Catalog,
        clock: Callable[[], datetime],
        follows: FollowRepository,
    ) -> None:
        self.users = users
        self.follows = follows
        self.stories = stories
        self.deliveries = deliveries
        self.renderer = renderer
        self.catalog = catalog
        self.clock = clock
        self.move_chat: MoveChat | None = None  # wired in bot/app.py
        self._filing = asyncio.Lock()

    async def file_new_articles(self) -> int:
        """Put articles that have no story yet under one (their own or an earlier one's).

        One run at a time: two /digest commands at once must not file the same article
        twice against different views of the stories.
        """
        async with self._filing:
            pending = await self.stories.unassigned()
            if not pending:
                return 0
            since = min(d.published_at for d in pending) - WINDOW
            earlier = await self.stories.assigned_since(since)
            await self.stories.assign(assign_stories(pending, earlier))
            return len(pending)

    async def pool(
        self,
        topics: Sequence[str],
        *,
        newer_than: int,
        since: datetime,
        up_to: int | None = None,
        phrases: Iterable[tuple[str, str]] = (),
    ) -> Pool:
        """The fresh stories for these topics and (key, phrase) pairs, ranked once."""
        await self.file_new_articles()
        matcher = PhraseMatcher(dict(phrases).items())
        articles = await self.stories.fresh(
            topics if not len(matcher) else None, newer_than=newer_than, since=since, up_to=up_to
        )
        newest = up_to if up_to is not None else await self.stories.newest_article()
        articles = [a for a in articles if a.id <= newest]
        hits: dict[int, set[str]] = {}
        if len(matcher):
            texts = await self.stories.texts([a.id for a in articles])
            for article in articles:
                body = texts.get(article.id) or article.summary
                found = matcher.match(article.title, body)
                if found:
                    hits.setdefault(article.story_id, set()).update(found)
        return Pool(group_stories(articles), newest, self.clock(), hits)

    def compose(
        self,
        user: User,
        topics: Sequence[str],
        pool: Pool,
        *,
        now: datetime,
        phrases: Sequence[str] = (),
        since: datetime | None = None,
        exclude: Sequence[int] = (),
        story_link: Callable[[Story], str | None] = lambda story: None,
    ) -> Composed:
        """The chat's digest from the pool: stories newer than its last digest, ranked."""
        newer_than = user.last_article_id or 0
        local_now = now.astimezone(zone(user.timezone))
        digits = user.digits or default_digits(user.language)
        key = (*rendering_key(user, topics, phrases, now), since, tuple(exclude))
        cached = pool.cached(key)
        if cached is not None:
            return cached
        lookback = since or now - (MAX_LOOKBACK if user.last_article_id else FIRST_DIGEST_LOOKBACK)
        digest: Digest = pool.index.digest(
            topics,
            limit=user.max_items,
            newer_than=newer_than,
            exclude=exclude,
            since=lookback,
            phrases=phrases,
        )
        messages: list[str] = []
        if len(digest):
            messages = self.renderer.digest(
                user.language,
                digest,
                catalog=self.catalog,
                now=local_now,
                digit_style=digits,
                story_link=story_link,
            )
        composed = Composed(messages, (newer_than, pool.newest_article), digest.story_ids)
        pool.keep(key, composed)
        return composed

    async def send_now(
        self,
        bot: Bot,
        user: User,
        topics: list[str],
        phrases: Sequence[tuple[str, str]] = (),
    ) -> Outcome | None:
        """A digest on request (/digest); None when there is nothing new to send."""
        now = self.clock()
        delivery_id = await self.deliveries.claim(user.chat_id, MANUAL_DIGEST, to_db_time(now))
        if delivery_id is None:  # the same second twice: the first request is being served
            return None
        since = now - (MAX_LOOKBACK if user.last_article_id else FIRST_DIGEST_LOOKBACK)
        pool = await self.pool(
            topics, newer_than=user.last_article_id or 0, since=since, phrases=phrases
        )
        composed = self.compose(
            user, topics, pool, now=now, phrases=[k for k, _ in phrases], story_link=_deep_link(bot)
        )
        return await self._deliver(bot, user, delivery_id, composed)

    async def send_more(
        self,
        bot: Bot,
        user: User,
        topics: list[str],
        phrases: Sequence[tuple[str, str]] = (),
    ) -> Outcome | None:
        """/digest more: the stories the last digest had no room for."""
        last = await self.deliveries.last_digest(user.chat_id)
        if last is None:
            return None
        now = self.clock()
        delivery_id = await self.deliveries.claim(user.chat_id, MORE_DIGEST, to_db_time(now))
        if delivery_id is None:
            return None
        newer_than, up_to = last.window
        pool = await self.pool(
            topics, newer_than=newer_than, since=now - MAX_LOOKBACK, up_to=up_to, phrases=phrases
        )
        as_then = replace(user, last_article_id=newer_than)
        composed = self.compose(
            as_then,
            topics,
            pool,
            now=now,
            phrases=[k for k, _ in phrases],
            exclude=last.sent,
            story_link=_deep_link(bot),
        )
        return await self._deliver(bot, user, delivery_id, composed, advance=False)

    async def send_due(self, bot: Bot) -> dict[str, int]:
        """One schedule tick: every chat whose digest time has come and that has none yet."""
        now = self.clock()
        planned, pool = await self.plan_due(now)
        link = _deep_link(bot)
        counts: dict[str, int] = {}
        gate = asyncio.Semaphore(CONCURRENT_SENDS)

        async def deliver(due: Due, composed: Composed) -> None:
            try:
                outcome = await self._deliver(
                    bot, due.user, due.delivery_id, composed, scheduled=True
                )
                status = outcome.status if outcome else EMPTY
            except Exception:  # one chat's trouble never stops the run
                log.exception("digest for chat %s failed", due.user.chat_id)
                status = "error"
            finally:
                gate.release()
            counts[status] = counts.get(status, 0) + 1

        # Composed in key order (each rendering once), sent side by side: the outbox paces.
        async with asyncio.TaskGroup() as group:
            for due in planned:
                composed = self.compose(
                    due.user, due.topics, pool, now=now, phrases=due.phrases, story_link=link
                )
                await gate.acquire()
                group.create_task(deliver(due, composed))
        if planned:
            log.info("digest tick: %s (%d renderings)", counts, pool.rendered)
        return counts

    async def plan_due(self, now: datetime) -> tuple[list[Due], Pool]:
        """Claim the ledger rows of every chat due at `now`; load the stories they draw from.

        The chats come back grouped by rendering key, so composing them in this order
        renders each distinct digest once.
        """
        due: list[tuple[User, str]] = []
        for user in await self.users.receiving():
            period = due_slot(now, zone(user.timezone), user.schedule)
            if period is not None:
                due.append((user, period))
        claimed = await self.deliveries.claim_many(
            [(user.chat_id, period) for user, period in due], DIGEST
        )
        chats = [(user, claimed[user.chat_id]) for user, _ in due if user.chat_id in claimed]
        if not chats:
            return [], Pool([], 0, now)
        chat_ids = [u.chat_id for u, _ in chats]
        topics_of = await self.users.topics_of(chat_ids)
        follows_of = await self.follows.of_many(chat_ids)
        all_topics = sorted({t for topics in topics_of.values() for t in topics})
        all_phrases = {key: phrase for pairs in follows_of.values() for key, phrase in pairs}
        oldest = min(u.last_article_id or 0 for u, _ in chats)
        pool = await self.pool(
            all_topics, newer_than=oldest, since=now - MAX_LOOKBACK, phrases=all_phrases.items()
        )
        planned = [
            Due(
                user,
                delivery_id,
                tuple(topics_of[user.chat_id]),
                tuple(key for key, _ in follows_of.get(user.chat_id, ())),
            )
            for user, delivery_id in chats
        ]
        planned.sort(key=lambda d: repr(rendering_key(d.user, d.topics, d.phrases, now)))
        return planned, pool

    async def _deliver(
        self,
        bot: Bot,
        user: User,
        delivery_id: int,
        composed: Composed,
        *,
        advance: bool = True,
        scheduled: bool = False,
    ) -> Outcome | None:
        """Send and close the ledger row; `advance` moves the chat's "newer than" mark."""
        if not composed.messages:
            await self.deliveries.mark(delivery_id, EMPTY)
            if advance:
                await self.users.update(user.chat_id, last_article_id=composed.window[1])
            if scheduled and user.notify_empty:
                text = self.renderer.text(user.language, "digest_empty", digit_style=user.digits)
                await send_html(
                    bot, user.chat_id, [text], thread_id=user.thread_id, move_chat=self.move_chat
                )
            return None
        await self.deliveries.mark(delivery_id, "sending")
        try:
            outcome = await send_html(
                bot,
                user.chat_id,
                composed.messages,
                thread_id=user.thread_id,
                move_chat=self.move_chat,
            )
        except OutboxStopped:
            # Shutting down before the digest left: a one-message digest never went out, so
            # the row is released and sent after the restart; a longer one may be half sent.
            single = len(composed.messages) == 1
            await self.deliveries.mark(delivery_id, "pending" if single else "uncertain")
            raise
        if outcome.status == SendStatus.SENT:
            await self.deliveries.finish(
                delivery_id,
                chat_id=user.chat_id,
                messages=outcome.messages,
                window=composed.window,
                stories=composed.story_ids,
                advance=advance,
            )
        else:
            await self.deliveries.mark(
                delivery_id, outcome.status, messages=outcome.messages, error=outcome.error
            )
            if outcome.status == SendStatus.BLOCKED:
                await self.users.update(user.chat_id, active=False)
        return outcome


def _deep_link(bot: Bot) -> Callable[[Story], str | None]:
    """ "and 3 other sources" opens the bot on a list of every outlet's article."""
    try:
        username = bot.username
    except RuntimeError:  # the bot was not initialized (previews)
        return lambda story: None
    return lambda story: f"https://t.me/{username}?start=s{story.id}"
