"""Digests as handlers and jobs ask for them: a schedule tick, one /digest, a preview.

Each reads top to bottom through the stages, one module each: plan (`digest_plan`:
who is due, their ledger rows claimed; for /digest, `digest_request`) → pool
(`digest_pool`: the fresh stories, read once per run) → compose (`bot.core.compose`:
selected and rendered once per distinct digest) → deliver (`digest_send`: sent, then
the row closed by `digest_ledger`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from telegram import Bot

from bot.core.compose import Composed, Composer
from bot.core.render import Renderer
from bot.core.topics import Catalog
from bot.delivery.digest_plan import Due, DuePlanner
from bot.delivery.digest_pool import PoolReader
from bot.delivery.digest_request import Request, read_request
from bot.delivery.digest_send import DigestSender, story_links
from bot.delivery.digest_threads import ThreadedSender
from bot.delivery.lanes import OutboxStopped
from bot.delivery.sender import MoveChat, Outcome
from bot.logs import about
from bot.models import Chat, DeliveryStatus
from storage.chats import ChatRepository
from storage.db import to_db_time
from storage.deliveries import DeliveryRepository
from storage.digest_sections import Resumable, SectionRepository
from storage.follows import FollowRepository
from storage.mutes import MuteRepository
from storage.stories import StoryRepository
from storage.threads import ThreadRepository

log = logging.getLogger(__name__)

CONCURRENT_SENDS = 32  # digests in flight at once; Telegram's pace is the outbox's job


class DigestService:
    """The digest stages wired together; handlers and jobs call only this."""

    def __init__(
        self,
        chats: ChatRepository,
        stories: StoryRepository,
        deliveries: DeliveryRepository,
        renderer: Renderer,
        catalog: Catalog,
        clock: Callable[[], datetime],
        follows: FollowRepository,
        *,
        mutes: MuteRepository,
        move_chat: MoveChat | None = None,
    ) -> None:
        """`move_chat`: what to do when a group turned supergroup (see bot.delivery.sender)."""
        self.deliveries = deliveries
        self.clock = clock
        self.pools = PoolReader(stories, clock)
        self.mutes = mutes
        self.planner = DuePlanner(chats, deliveries, follows, self.pools, mutes)
        self.composer = Composer(renderer, catalog)
        self.sender = DigestSender(chats, deliveries, renderer, move_chat=move_chat)
        self.sections = SectionRepository(deliveries.db)
        self.threads = ThreadRepository(chats.db)
        self.threaded = ThreadedSender(
            chats, deliveries, self.sections, self.threads, move_chat=move_chat
        )
        self._resuming: asyncio.Task[None] | None = None

    async def deliver(
        self,
        bot: Bot,
        chat: Chat,
        delivery_id: int,
        composed: Composed,
        threads: Mapping[str, int] | None,
        *,
        advance: bool = True,
        note_empty: bool = False,
        silent: bool = False,
    ) -> Outcome | None:
        """One composed digest: in sections to a forum's threads (/threads), or as one."""
        if composed.sections and threads is not None:
            return await self.threaded.deliver(
                bot, chat, delivery_id, composed, threads, advance=advance
            )
        return await self.sender.deliver(
            bot, chat, delivery_id, composed, advance=advance, note_empty=note_empty, silent=silent
        )

    def start_resume(self, bot: Bot, open_digests: Sequence[Resumable]) -> None:
        """Digests a stop cut between sections: the sections that had not left, sent
        beside the starting bot."""
        self._resuming = asyncio.create_task(self.resume(bot, open_digests))

    async def resume(self, bot: Bot, open_digests: Sequence[Resumable]) -> None:
        for open_digest in open_digests:
            try:
                await self.threaded.resume(bot, open_digest)
            except OutboxStopped:  # stopping again: the next start goes on
                return
            except Exception:  # one chat's trouble never stops the others
                log.exception("digest %s could not be resumed", open_digest.delivery_id)

    async def send_due(self, bot: Bot) -> dict[str, int]:
        """One schedule tick: every chat whose digest time has come and that has none yet."""
        now = self.clock()
        planned, pool = await self.planner.plan_due(now)
        link = story_links(bot)
        counts: dict[str, int] = {}
        gate = asyncio.Semaphore(CONCURRENT_SENDS)
        threads = await self.threads.of_many([due.chat.chat_id for due in planned])

        async def deliver(due: Due, composed: Composed) -> None:
            status: str
            try:
                outcome = await self.deliver(
                    bot,
                    due.chat,
                    due.delivery_id,
                    composed,
                    threads.get(due.chat.chat_id),
                    note_empty=True,
                    silent=composed.silent,
                )
                status = outcome.status if outcome else DeliveryStatus.EMPTY
            except Exception:  # one chat's trouble never stops the run
                log.exception("digest for chat %s failed", due.chat.chat_id)
                status = "error"
            finally:
                gate.release()
            counts[status] = counts.get(status, 0) + 1

        async def give_up(due: Due, error: str) -> None:
            try:
                await self.sender.fail(due.chat, due.delivery_id, error)
            finally:
                gate.release()
            counts["error"] = counts.get("error", 0) + 1

        # Composed in key order (each rendering once), sent side by side: the outbox paces.
        async with asyncio.TaskGroup() as group:
            for due in planned:
                await gate.acquire()
                with about(chat_id=due.chat.chat_id, delivery_id=due.delivery_id):
                    try:
                        composed = self.composer.compose(
                            due.chat,
                            due.topics,
                            pool,
                            now=now,
                            phrases=due.phrases,
                            mutes=due.mutes,
                            story_link=link,
                            by_topic=due.chat.chat_id in threads,
                        )
                    except Exception as exc:  # one chat's digest that cannot be made fails alone
                        log.exception("digest for chat %s not composed", due.chat.chat_id)
                        group.create_task(give_up(due, repr(exc)[:300]))
                        continue
                    group.create_task(deliver(due, composed))
        if planned:
            log.info("digest tick: %s (%d renderings)", counts, pool.rendered)
        return counts

    async def send_on_request(
        self,
        bot: Bot,
        chat: Chat,
        topics: Sequence[str],
        phrases: Sequence[tuple[str, str]] = (),
        *,
        more: bool = False,
        up_to: int | None = None,
    ) -> Outcome | None:
        """/digest (or /digest more); None when there is nothing to send. `up_to`: the
        newest article it may hold (a preview's, so what is published is what was seen)."""
        now = self.clock()
        request = await read_request(self.deliveries, chat, now, more=more)
        if request is None:
            return None
        if up_to is not None:
            request = replace(request, up_to=min(up_to, request.up_to or up_to))
        delivery_id = await self.deliveries.claim(chat.chat_id, request.kind, to_db_time(now))
        if delivery_id is None:  # the same second twice: the first request is being served
            return None
        with about(chat_id=chat.chat_id, delivery_id=delivery_id):
            threads = (await self.threads.of_many([chat.chat_id])).get(chat.chat_id)
            composed = await self._compose_request(bot, request, topics, phrases, now, threads)
            return await self.deliver(
                bot, chat, delivery_id, composed, threads, advance=request.advance
            )

    async def preview_request(
        self,
        bot: Bot,
        chat: Chat,
        topics: Sequence[str],
        phrases: Sequence[tuple[str, str]] = (),
        *,
        more: bool = False,
    ) -> Composed | None:
        """What /digest (or /digest more) would send `chat` now, composed as `chat` would
        get it but neither claimed nor sent: a channel's admin sees it before it is
        published. None when there is no digest to go on from (more, with none sent)."""
        now = self.clock()
        request = await read_request(self.deliveries, chat, now, more=more)
        if request is None:
            return None
        return await self._compose_request(bot, request, topics, phrases, now)

    async def _compose_request(
        self,
        bot: Bot,
        request: Request,
        topics: Sequence[str],
        phrases: Sequence[tuple[str, str]],
        now: datetime,
        threads: Mapping[str, int] | None = None,
    ) -> Composed:
        """`threads`: a forum chat's thread per topic, when it sends by topic (/threads)."""
        seen = request.chat
        mutes = await self.mutes.of(seen.chat_id)
        pool = await self.pools.pool(
            topics,
            newer_than=seen.last_article_id or 0,
            since=request.since,
            up_to=request.up_to,
            phrases=phrases,
            mutes=mutes,
        )
        return self.composer.compose(
            seen,
            topics,
            pool,
            now=now,
            phrases=[key for key, _ in phrases],
            mutes=[key for key, _ in mutes],
            exclude=request.exclude,
            story_link=story_links(bot),
            by_topic=threads is not None,
        )

    async def preview(self, chat: Chat, topics: Sequence[str], *, since: timedelta) -> Composed:
        """The digest of the last `since` as the chat would get it; nothing claimed or sent."""
        now = self.clock()
        pool = await self.pools.pool(topics, newer_than=0, since=now - since)
        return self.composer.compose(chat, topics, pool, now=now, since=now - since)
