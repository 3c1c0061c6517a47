"""Running broadcasts: a persisted job per broadcast, resumable after any stop.

A job walks the broadcast's pending rows in chat order and keeps a bounded number
of sends waiting in the outbox, which paces them. Each row is marked 'sending'
right before its request leaves (the ticket's on_dispatch, committed by the
LedgerWriter) and closed with its outcome. So at any moment only the requests in
flight (and results not yet committed, a handful) are 'sending': after a kill they
are the uncertain ones, and the job resumes at start with the rows still pending.

Cancel stops the job: sends still waiting in the outbox are withdrawn (their rows
were never marked, so they end 'skipped'), sends in flight finish and count.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter

from telegram import Bot

from bot.core.render import Renderer
from bot.delivery.ledger import LedgerWriter
from bot.delivery.outbox import OutboxStopped
from bot.delivery.sender import Content, MoveChat, send_content
from bot.delivery.status import StatusBoard
from storage.broadcasts import CANCELLED, CLOSED, Broadcast, BroadcastRepository, Result

log = logging.getLogger(__name__)

PAGE = 500
SOURCE_GONE = "message to copy not found"  # the admin deleted the message being broadcast


def concurrency_for(rate: float) -> int:
    """Sends kept waiting in the outbox: enough to use the limit, not a whole audience."""
    return 64 if rate <= 0 else min(256, int(rate) + 16)


class BroadcastService:
    def __init__(
        self,
        repo: BroadcastRepository,
        renderer: Renderer,
        *,
        concurrency: int = 64,
        status_every: float = 3.0,
    ) -> None:
        self.repo = repo
        self.renderer = renderer
        self.concurrency = concurrency
        self.status_every = status_every
        self.move_chat: MoveChat | None = None  # wired in bot/app.py
        self.jobs: dict[int, _Job] = {}
        self._tasks: dict[int, asyncio.Task[None]] = {}

    async def recover(self) -> int:
        """At start, before resuming: rows a kill left 'sending' become 'uncertain'."""
        return await self.repo.recover()

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
            log.info("resuming broadcast #%d: %s", broadcast.id, dict(counts))
            self._spawn(bot, broadcast)
        return unfinished

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
        task = asyncio.get_running_loop().create_task(job.run(), name=f"broadcast-{broadcast.id}")
        self.jobs[broadcast.id] = job
        self._tasks[broadcast.id] = task

        def forget(done: asyncio.Task[None]) -> None:
            self.jobs.pop(broadcast.id, None)
            self._tasks.pop(broadcast.id, None)
            if not done.cancelled() and done.exception() is not None:
                log.error("broadcast #%d stopped", broadcast.id, exc_info=done.exception())

        task.add_done_callback(forget)


class _Job:
    def __init__(self, service: BroadcastService, bot: Bot, broadcast: Broadcast) -> None:
        self.service = service
        self.repo = service.repo
        self.bot = bot
        self.broadcast = broadcast
        self.content = Content(broadcast.text, broadcast.from_chat_id, broadcast.message_id)
        self.cancelled = broadcast.status == CANCELLED
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
        self.tallies.update({k: v for k, v in counts.items() if k in CLOSED})
        board = StatusBoard(
            self.bot,
            self.service.renderer,
            b,
            total=sum(counts.values()),
            tallies=self.tallies,
            every=self.service.status_every,
        )
        ledger = LedgerWriter(self.repo, b.id)
        ticker = asyncio.get_running_loop().create_task(board.run())
        try:
            await self._send_all(ledger)
        finally:
            ticker.cancel()
            await ledger.close()
        if self.stopping:
            log.info("broadcast #%d paused by the stop: %s", b.id, dict(self.tallies))
            return
        if self.cancelled:
            await self.repo.skip_pending(b.id)
        counts = await self.repo.counts(b.id)
        log.info("broadcast #%d %s: %s", b.id, "cancelled" if self.cancelled else "done", counts)
        if await board.final(counts, cancelled=self.cancelled, seconds=b.seconds_running()):
            await self.repo.finish(b.id)

    async def _send_all(self, ledger: LedgerWriter) -> None:
        slots = asyncio.Semaphore(self.service.concurrency)
        sends: set[asyncio.Task[None]] = set()
        cursor: int | None = None
        while not (self.cancelled or self.stopping):
            page = await self.repo.pending(self.broadcast.id, after=cursor, limit=PAGE)
            if not page:
                break
            cursor = page[-1]
            for chat_id in page:
                await slots.acquire()
                if self.cancelled or self.stopping:
                    slots.release()
                    break
                task = asyncio.get_running_loop().create_task(self._send(chat_id, ledger))
                self._waiting[chat_id] = task
                sends.add(task)
                task.add_done_callback(sends.discard)
                # A callback, not `finally`: it also runs for a task cancelled before it started.
                task.add_done_callback(lambda _: slots.release())
        if sends:
            await asyncio.gather(*sends, return_exceptions=True)

    async def _send(self, chat_id: int, ledger: LedgerWriter) -> None:
        async def on_dispatch() -> None:
            self._waiting.pop(chat_id, None)  # from now on it is in flight: never withdrawn
            await ledger.sending(chat_id)

        try:
            outcome = await send_content(
                self.bot,
                chat_id,
                self.content,
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
        ledger.done(Result(chat_id, outcome.status, outcome.error))
        self.tallies[outcome.status] += 1
        if outcome.error and SOURCE_GONE in outcome.error.lower() and not self.cancelled:
            log.warning("broadcast #%d: its message was deleted; stopping", self.broadcast.id)
            await self.repo.cancel(self.broadcast.id)
            self.cancel()  # every other copy would fail the same way
