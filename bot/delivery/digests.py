"""Digests as handlers and jobs ask for them: a schedule tick, one /digest, a preview.

Each reads top to bottom through the stages, one module each: plan (`digest_plan`:
who is due, their ledger rows claimed and read back a page at a time; for /digest,
`digest_request`) → pool (`digest_pool`: the fresh stories, read once per window end)
→ compose (`bot.core.compose`: selected and rendered once per distinct digest) →
deliver (`digest_send`: sent, then the row closed by `digest_ledger`). A scheduled run
(`digest_run`) keeps its lateness and paid figures as it goes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from telegram import Bot

from bot.core.compose import Composed, Composer
from bot.core.render import Renderer
from bot.core.topics import Catalog
from bot.delivery.digest_ledger import Withdrawn
from bot.delivery.digest_plan import Due, DuePlanner, still_due
from bot.delivery.digest_pool import PoolReader, RunPools
from bot.delivery.digest_request import Request, read_request
from bot.delivery.digest_run import Run
from bot.delivery.digest_send import DigestSender, story_links
from bot.delivery.digest_threads import ThreadedSender
from bot.delivery.lanes import OutboxStopped
from bot.delivery.sender import MoveChat, Outcome
from bot.logs import about
from bot.models import Chat, DeliveryStatus
from storage.chats import ChatRepository
from storage.db import to_db_time
from storage.deliveries import DeliveryRepository
from storage.digest_queue import DigestQueueRepository
from storage.digest_runs import DigestRunRepository
from storage.digest_sections import Resumable, SectionRepository
from storage.follows import FollowRepository
from storage.mutes import MuteRepository
from storage.stories import StoryRepository
from storage.threads import ThreadRepository

log = logging.getLogger(__name__)

CONCURRENT_SENDS = 32  # digests in flight at once; Telegram's pace is the outbox's job
FILL_EVERY = timedelta(seconds=30)  # a long run looks for newly due readers this often


def digest_concurrency(paid_rate: float) -> int:
    """Digests in flight: the free pace needs few; a paid one up to 1000 a second, more."""
    return CONCURRENT_SENDS if paid_rate <= 0 else max(CONCURRENT_SENDS, int(paid_rate) + 16)


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
        lead: timedelta = timedelta(0),
        rate: float = 0,
        paid: bool = False,
        concurrency: int = CONCURRENT_SENDS,
    ) -> None:
        """`move_chat`: what to do when a group turned supergroup (see bot.delivery.sender);
        `lead` (DIGEST_LEAD_MINUTES) and `rate` (digests a second) size how early a run
        starts; `paid`: scheduled digests go with allow_paid_broadcast (PAID_DIGEST_RATE)."""
        self.chats = chats
        self.stories = stories
        self.deliveries = deliveries
        self.clock = clock
        self.pools = PoolReader(stories, clock)
        self.queue = DigestQueueRepository(deliveries.db)
        self.runs = DigestRunRepository(deliveries.db)
        self.mutes = mutes
        self.planner = DuePlanner(chats, follows, self.queue, stories, mutes, lead=lead, rate=rate)
        self.composer = Composer(renderer, catalog)
        self.sender = DigestSender(chats, deliveries, renderer, move_chat=move_chat)
        self.sections = SectionRepository(deliveries.db)
        self.threads = ThreadRepository(chats.db)
        self.threaded = ThreadedSender(
            chats, deliveries, self.sections, self.threads, move_chat=move_chat
        )
        self.paid = paid
        self.concurrency = concurrency
        self._running = asyncio.Lock()
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
        leave: Callable[[], Awaitable[None]] | None = None,
        paid: bool = False,
    ) -> Outcome | None:
        """One composed digest: in sections to a forum's threads (/threads), or as one."""
        if composed.sections and threads is not None:
            return await self.threaded.deliver(
                bot,
                chat,
                delivery_id,
                composed,
                threads,
                advance=advance,
                silent=silent,
                leave=leave,
                paid=paid,
            )
        return await self.sender.deliver(
            bot,
            chat,
            delivery_id,
            composed,
            advance=advance,
            note_empty=note_empty,
            silent=silent,
            leave=leave,
            paid=paid,
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

    @property
    def running(self) -> bool:
        """A run is sending; it takes in whoever falls due while it lasts."""
        return self._running.locked()

    async def send_due(self, bot: Bot) -> dict[str, int]:
        """One schedule tick: claim who is due, then send the queue, a page at a time, in
        the order readers' times fell due, until it is empty (it may take hours; readers
        falling due meanwhile join it). Returns how many ended in each status."""
        if self._running.locked():
            return {}
        async with self._running:
            run = await Run.resume_or_new(self.runs, self.queue)
            try:
                counts, emptied = await self._send_queue(bot, run)
            except BaseException:  # cancelled: the run goes on at the next start
                await asyncio.shield(run.save())
                raise
            if emptied:
                await run.finish()
            else:  # the outbox stopped (shutdown): the run goes on at the next start
                await run.save()
            if counts:
                log.info("digest run %s: %s, lateness %s", run.id, counts, run.tally.summary())
            return counts

    async def _send_queue(self, bot: Bot, run: Run) -> tuple[dict[str, int], bool]:
        """Send until the queue is empty (True) or the outbox stops (False)."""
        link = story_links(bot)
        counts: dict[str, int] = {}
        gate = asyncio.Semaphore(self.concurrency)
        handed: set[int] = set()  # rows given to delivery and not closed yet
        pools = RunPools(self.stories, self.clock())
        filled: datetime | None = None
        scanned: dict[tuple[object, ...], int] = {}  # schedules read through, this run

        stopped = False

        def done(due: Due, status: str) -> None:
            gate.release()
            if status != "error":  # a row left pending by an error is not taken again
                handed.discard(due.delivery_id)
            counts[status] = counts.get(status, 0) + 1

        async def deliver(due: Due, composed: Composed, threads: Mapping[str, int] | None) -> None:
            status: str = "error"
            try:
                outcome = await self.deliver(
                    bot,
                    due.chat,
                    due.delivery_id,
                    composed,
                    threads,
                    note_empty=True,
                    silent=composed.silent,
                    leave=lambda: self._leave(due, run),
                    paid=self.paid,
                )
                if outcome is None:
                    status = DeliveryStatus.EMPTY if composed.messages == [] else "withdrawn"
                else:
                    status = outcome.status
                    if self.paid:
                        run.paid_for(outcome.messages)
            except OutboxStopped:  # shutting down: the queue waits for the next start
                nonlocal stopped
                stopped = True
            except Exception:  # one chat's trouble never stops the run
                log.exception("digest for chat %s failed", due.chat.chat_id)
            finally:
                done(due, status)

        async def give_up(due: Due, error: str) -> None:
            try:
                await self.sender.fail(due.chat, due.delivery_id, error)
            finally:
                done(due, "error")

        # A page is claimed, composed in queue order (chats sharing a rendering are
        # neighbours, so each is made once) and handed over before the next is read.
        async with asyncio.TaskGroup() as group:
            while True:
                now = self.clock()
                if filled is None or now - filled >= FILL_EVERY:
                    await self.planner.fill(now, run.ensure, scanned)
                    filled = now
                page = await self.planner.page(now, exclude=handed)
                if not page.dues or stopped:
                    break
                threads_of = await self.threads.of_many([due.chat.chat_id for due in page.dues])
                for due in page.dues:
                    if stopped:
                        break
                    pool = await pools.get(due.up_to, page.phrases, page.mutes)
                    await gate.acquire()
                    handed.add(due.delivery_id)
                    assert due.due_at is not None
                    threads = threads_of.get(due.chat.chat_id)
                    with about(chat_id=due.chat.chat_id, delivery_id=due.delivery_id):
                        try:
                            composed = self.composer.compose(
                                due.chat,
                                due.topics,
                                pool,
                                now=due.due_at,
                                phrases=due.phrases,
                                mutes=due.mutes,
                                story_link=link,
                                by_topic=threads is not None,
                            )
                        except Exception as exc:  # one chat's digest that cannot be made fails
                            log.exception("digest for chat %s not composed", due.chat.chat_id)
                            group.create_task(give_up(due, repr(exc)[:300]))
                            continue
                        group.create_task(deliver(due, composed, threads))
                await run.save()
        return counts, not stopped

    async def _leave(self, due: Due, run: Run) -> None:
        """As the digest's first message leaves: the reader must still want it (they may have
        moved their time or paused while it waited); the row becomes 'sending'."""
        chat = await self.chats.get(due.chat.chat_id)
        now = self.clock()
        if chat is None or not still_due(chat, due, now):
            await self.queue.withdraw([due.delivery_id])
            raise Withdrawn()
        if not await self.queue.start_sending(due.delivery_id, paid=self.paid):
            raise Withdrawn()  # withdrawn by a newer slot's claim
        assert due.due_at is not None
        run.tally.add((now - due.due_at).total_seconds())

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
