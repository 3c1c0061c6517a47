"""Running broadcasts: a persisted job per broadcast, resumable after any stop.

A job walks the broadcast's pending rows in chat order and keeps a bounded number
of sends waiting in the outbox, which paces them. Each row is marked 'sending'
right before its request leaves (the ticket's on_dispatch, committed by the
RecipientCommits) and closed with its outcome. So at any moment only the requests in
flight (and results not yet committed, a handful) are 'sending': after a kill they
are the uncertain ones, and the job resumes at start with the rows still pending.

Cancel stops the job: sends still waiting in the outbox are withdrawn (their rows
were never marked, so they end 'skipped'), sends in flight finish and count.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from dataclasses import dataclass

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.core.render import Renderer
from bot.delivery.group_commit import RecipientCommits
from bot.delivery.lanes import OutboxStopped
from bot.delivery.sender import Content, MoveChat, send_content
from bot.delivery.status import StatusBoard
from bot.logs import about, ids
from bot.models import BroadcastStatus, DeliveryStatus
from storage.broadcasts import Broadcast, BroadcastRepository, Result

log = logging.getLogger(__name__)

PAGE = 500
SOURCE_GONE = "message to copy not found"  # the admin deleted the message being broadcast


def concurrency_for(rate: float) -> int:
    """Sends kept waiting in the outbox: enough to use the limit, not a whole audience."""
    return 64 if rate <= 0 else min(256, int(rate) + 16)


@dataclass(frozen=True)
class NewBroadcast:
    """What an admin asked to broadcast: their HTML text, or their message to copy."""

    created_by: int
    admin_chat_id: int  # where the preview goes; a copied message is in this chat
    language: str
    text: str | None = None  # Telegram HTML, already checked
    copy_of: int | None = None  # the id of the admin's message to copy
    topic_id: str | None = None  # None: every active chat

    def __post_init__(self) -> None:
        if (self.text is None) == (self.copy_of is None):
            raise ValueError("a broadcast is either a text or a copy of one message")


@dataclass(frozen=True)
class Drafted:
    """A draft with its preview in the admin's chat, waiting for Send."""

    broadcast_id: int
    audience: int


@dataclass(frozen=True)
class NoAudience:
    """Nobody would get it; nothing was saved."""


@dataclass(frozen=True)
class PreviewRefused:
    """Telegram refused the preview, so the draft was discarded."""

    error: str


Proposal = Drafted | NoAudience | PreviewRefused


class BroadcastService:
    def __init__(
        self,
        repo: BroadcastRepository,
        renderer: Renderer,
        *,
        concurrency: int = 64,
        status_every: float = 3.0,
        paid: bool = False,
        move_chat: MoveChat | None = None,
    ) -> None:
        self.repo = repo
        self.renderer = renderer
        self.concurrency = concurrency
        self.paid = paid  # copies go out as paid broadcasts (over the free rate)
        self.status_every = status_every
        self.move_chat = move_chat  # a group that became a supergroup (bot.delivery.sender)
        self.jobs: dict[int, _Job] = {}
        self._tasks: dict[int, asyncio.Task[None]] = {}

    async def recover(self) -> int:
        """At start, before resuming: rows a kill left 'sending' become 'uncertain'."""
        return await self.repo.recover()

    async def propose(self, bot: Bot, new: NewBroadcast) -> Proposal:
        """Save a draft and show it in the admin's chat exactly as it will arrive."""
        audience = await self.repo.audience(new.topic_id)
        if audience == 0:
            return NoAudience()
        draft = await self.repo.create(
            created_by=new.created_by,
            admin_chat_id=new.admin_chat_id,
            language=new.language,
            text=new.text,
            from_chat_id=None if new.copy_of is None else new.admin_chat_id,
            message_id=new.copy_of,
            topic_id=new.topic_id,
            paid=self.paid,
        )
        try:
            if new.text is not None:
                await bot.send_message(new.admin_chat_id, new.text, parse_mode=ParseMode.HTML)
            elif new.copy_of is not None:
                await bot.copy_message(new.admin_chat_id, new.admin_chat_id, new.copy_of)
        except BadRequest as exc:
            await self.repo.discard(draft.id)
            return PreviewRefused(exc.message)
        return Drafted(draft.id, audience)

    async def start(self, bot: Bot, broadcast_id: int, status_message_id: int | None) -> int | None:
        """Draft to running (one pending row per recipient), and send; None if no draft."""
        total = await self.repo.start(broadcast_id, status_message_id)
        if total is None:
            return None
        broadcast = await self.repo.get(broadcast_id)
        assert broadcast is not None
        self._spawn(bot, broadcast)
        return total

    async def resume(self, bot: Bot) -> list[Broadcast]:
        """At start: go on with every broadcast a stop interrupted."""
        unfinished = await self.repo.unfinished()
        for broadcast in unfinished:
            counts = await self.repo.counts(broadcast.id)
            log.info(
                "resuming broadcast #%d: %s",
                broadcast.id,
                dict(counts),
                extra=ids(broadcast_id=broadcast.id),
            )
            self._spawn(bot, broadcast)
        return unfinished

    async def discard(self, broadcast_id: int) -> bool:
        """Drop a draft nobody sent; False if it was already started or dropped."""
        return await self.repo.discard(broadcast_id)

    async def cancel(self, broadcast_id: int) -> bool:
        cancelled = await self.repo.cancel(broadcast_id)
        job = self.jobs.get(broadcast_id)
        if cancelled and job is not None:
            job.cancel()
        return cancelled

    async def cancel_running(self) -> list[int]:
        return [b.id for b in await self.repo.running() if await self.cancel(b.id)]

    async def wait(self, broadcast_id: int) -> None:
        task = self._tasks.get(broadcast_id)
        if task is not None:
            await asyncio.shield(task)

    async def close(self, timeout: float = 10.0) -> None:
        """A graceful stop: nothing new leaves, what is in flight is recorded."""
        for job in self.jobs.values():
            job.stop()
        tasks = list(self._tasks.values())
        if tasks:
            _, late = await asyncio.wait(tasks, timeout=timeout)
            for task in late:
                task.cancel()

    def _spawn(self, bot: Bot, broadcast: Broadcast) -> None:
        job = _Job(self, bot, broadcast)
        with about(broadcast_id=broadcast.id):  # the task, and each send's, carry the id
            task = asyncio.get_running_loop().create_task(
                job.run(), name=f"broadcast-{broadcast.id}"
            )
        self.jobs[broadcast.id] = job
        self._tasks[broadcast.id] = task

        def forget(done: asyncio.Task[None]) -> None:
            self.jobs.pop(broadcast.id, None)
            self._tasks.pop(broadcast.id, None)
            if not done.cancelled() and done.exception() is not None:
                log.error(
                    "broadcast #%d stopped",
                    broadcast.id,
                    exc_info=done.exception(),
                    extra=ids(broadcast_id=broadcast.id),
                )

        task.add_done_callback(forget)


class _Job:
    def __init__(self, service: BroadcastService, bot: Bot, broadcast: Broadcast) -> None:
        self.service = service
        self.repo = service.repo
        self.bot = bot
        self.broadcast = broadcast
        self.content = Content(broadcast.text, broadcast.from_chat_id, broadcast.message_id)
        self.cancelled = broadcast.status == BroadcastStatus.CANCELLED
        self.stopping = False
        self.tallies: Counter[str] = Counter()
        self._waiting: dict[int, asyncio.Task[None]] = {}  # sends not yet dispatched

    def cancel(self) -> None:
        self.cancelled = True
        self._withdraw()

    def stop(self) -> None:
        self.stopping = True
        self._withdraw()

    def _withdraw(self) -> None:
        for task in list(self._waiting.values()):
            task.cancel()

    async def run(self) -> None:
        b = self.broadcast
        counts = await self.repo.counts(b.id)
        self.tallies.update({k: v for k, v in counts.items() if DeliveryStatus(k).closed})
        board = StatusBoard(
            self.bot,
            self.service.renderer,
            b,
            total=sum(counts.values()),
            tallies=self.tallies,
            every=self.service.status_every,
        )
        commits = RecipientCommits(self.repo, b.id)
        ticker = asyncio.get_running_loop().create_task(board.run())
        try:
            await self._send_all(commits)
        finally:
            ticker.cancel()
            await commits.close()
        if self.stopping:
            log.info("broadcast #%d paused by the stop: %s", b.id, dict(self.tallies))
            return
        if self.cancelled:
            await self.repo.skip_pending(b.id)
        counts = await self.repo.counts(b.id)
        outcome = BroadcastStatus.CANCELLED if self.cancelled else BroadcastStatus.DONE
        log.info("broadcast #%d %s: %s", b.id, outcome, counts)
        if await board.final(
            counts, cancelled=self.cancelled, seconds=b.seconds_running(self.repo.db.clock())
        ):
            await self.repo.finish(b.id)

    async def _send_all(self, commits: RecipientCommits) -> None:
        slots = asyncio.Semaphore(self.service.concurrency)
        sends: set[asyncio.Task[None]] = set()
        cursor: int | None = None
        while not (self.cancelled or self.stopping):
            page = await self.repo.pending(self.broadcast.id, after=cursor, limit=PAGE)
            if not page:
                break
            cursor = page[-1][0]
            for chat_id, thread_id in page:
                await slots.acquire()
                if self.cancelled or self.stopping:
                    slots.release()
                    break
                with about(chat_id=chat_id):
                    task = asyncio.get_running_loop().create_task(
                        self._send(chat_id, thread_id, commits)
                    )
                self._waiting[chat_id] = task
                sends.add(task)
                task.add_done_callback(sends.discard)
                # A callback, not `finally`: it also runs for a task cancelled before it started.
                task.add_done_callback(lambda _: slots.release())
        if sends:
            await asyncio.gather(*sends, return_exceptions=True)

    async def _send(self, chat_id: int, thread_id: int | None, commits: RecipientCommits) -> None:
        async def on_dispatch() -> None:
            self._waiting.pop(chat_id, None)  # from now on it is in flight: never withdrawn
            await commits.sending(chat_id)

        try:
            outcome = await send_content(
                self.bot,
                chat_id,
                self.content,
                thread_id=thread_id,
                on_dispatch=on_dispatch,
                paid=self.broadcast.paid,
                move_chat=self.service.move_chat,
            )
        except OutboxStopped:
            self.stopping = True  # never left: the row stays pending for the next start
            return
        except asyncio.CancelledError:
            if self._waiting.pop(chat_id, None) is not None:
                return  # withdrawn before it left: the row stays pending
            raise
        commits.done(Result(chat_id, outcome.status, outcome.error))
        self.tallies[outcome.status] += 1
        if outcome.error and SOURCE_GONE in outcome.error.lower() and not self.cancelled:
            log.warning("broadcast #%d: its message was deleted; stopping", self.broadcast.id)
            # First stop dispatching (every other copy would fail the same way), then record
            # it: nothing more leaves while the database answers.
            self.cancel()
            await self.repo.cancel(self.broadcast.id)
