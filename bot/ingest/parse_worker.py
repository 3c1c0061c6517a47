"""The parser's process, replaced when a feed kills it or hangs it; only that feed fails.

feedparser runs in one worker process forked from a forkserver that has the
parser loaded, so its work neither slows the bot's replies nor waits for them.
A feed may still crash that process (expat before 2.7.0 overflows its stack on
a deep entity chain; dtd.py refuses those, but the principle stands) or keep
it busy for ever. The worker takes queued feeds in order, so ParserPool knows
which one it was on when it died or stalled: that feed fails with
`parser-crashed` or `parse-timeout`, the worker is replaced, and the feeds
queued behind it parse in a fresh one. Each feed's time limit starts when the
one ahead of it ends.

The worker must not outlive the bot. Each worker holds the write end of the
forkserver's "alive" pipe, so the forkserver, which exits when every holder is
gone, waits for the worker; and the worker, blocked on a queue whose write end
it holds itself, would wait for ever. So the worker watches the bot: a thread
waits on multiprocessing's parent sentinel (a pipe only the bot holds open)
and exits the process when it closes; the forkserver then follows. The worker
also asks Linux to kill it if its own parent, the forkserver, dies first.
A worker stuck inside C code that keeps the interpreter lock cannot run its
watch thread, and goes only when that call returns.

A new worker is started from a thread: starting one waits for the forkserver to
answer, and the first time for it to start and load the parser, a few hundred
milliseconds the event loop must not spend waiting.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import multiprocessing
import os
import pyexpat
import signal
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import wait
from multiprocessing.process import BaseProcess

from bot.ingest.parse import ParsedFeed, ParseFailed, parse_sync
from bot.models import FeedStatus

log = logging.getLogger(__name__)

PARSE_TIMEOUT = 30.0  # seconds one feed may keep the parser busy
# expat 2.7.0 fixed the stack overflow on deep entity nesting (CVE-2024-8176).
FIXED_EXPAT = (2, 7, 0)
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>

ParseFunction = Callable[..., ParsedFeed]  # parse_sync's signature: (body, *, url, headers)


class ParserPool:
    """The worker process that parses feeds; `parse` is the one way in."""

    def __init__(
        self, *, timeout: float = PARSE_TIMEOUT, target: ParseFunction = parse_sync
    ) -> None:
        # `target` runs in the worker and must be importable there; tests pass one
        # that crashes or hangs on a given body.
        self.timeout = timeout
        self.restarts = 0  # workers replaced after a crash or a timeout
        self._target = target
        self._executor: ProcessPoolExecutor | None = None
        self._last: tuple[ProcessPoolExecutor, asyncio.Future[ParsedFeed]] | None = None
        self._closed = False
        self._starting = asyncio.Lock()
        self._started: ProcessPoolExecutor | None = None  # the executor whose worker is up

    async def parse(
        self, body: bytes, *, url: str, headers: dict[str, str] | None = None
    ) -> ParsedFeed:
        """The parsed feed; ParseFailed when it is refused, or kills or outlasts the worker.

        Feeds queue in the worker, which takes them in order: each one's time starts
        when the one ahead of it ends, and when the worker dies the feed it was on is
        the one that fails, while those queued behind it go again in a new worker.
        """
        while True:
            executor = await self._with_worker()
            try:
                future = executor.submit(self._target, body, url=url, headers=headers)
            except BrokenProcessPool:  # it died just now, between feeds: not this one's fault
                self._replace(executor)
                continue
            waiter = asyncio.wrap_future(future)
            ahead = self._queue(executor, waiter)
            try:
                if ahead is not None:
                    await asyncio.wait([ahead])
                async with asyncio.timeout(self.timeout):
                    return await waiter
            except BrokenProcessPool:
                self._replace(executor)
                if self._closed:
                    raise ParseFailed(FeedStatus.ERROR, "the bot stopped while parsing") from None
                if _broken(ahead):
                    continue  # the worker died on the feed ahead: this one goes again
                log.error("the parser process died parsing %s; a new one takes over", url)
                raise ParseFailed(
                    FeedStatus.PARSER_CRASHED,
                    "the parser process crashed on this feed and was restarted",
                ) from None
            except TimeoutError:
                self._replace(executor, kill=True)
                log.error(
                    "parsing %s took over %g s; the parser process was replaced", url, self.timeout
                )
                raise ParseFailed(
                    FeedStatus.PARSE_TIMEOUT,
                    f"parsing took longer than {self.timeout:g} s; the parser was restarted",
                ) from None
            except asyncio.CancelledError:
                if ahead is None or ahead.done():  # it is being parsed: only a kill stops it
                    if not future.done():
                        self._replace(executor, kill=True)
                else:
                    future.cancel()  # still queued: dropped, if the worker has not taken it
                raise

    def pids(self) -> list[int]:
        """The worker's process id, once it has started (for tests and diagnostics)."""
        executor = self._executor
        if executor is None:
            return []
        return list(_workers(executor))

    async def close(self) -> None:
        """Stop the worker; one still parsing is killed rather than waited for."""
        self._closed = True
        executor, self._executor = self._executor, None
        if executor is None:
            return
        if self._last is not None and not self._last[1].done():
            for process in _workers(executor).values():
                process.kill()
        await asyncio.to_thread(executor.shutdown, wait=True)

    async def _with_worker(self) -> ProcessPoolExecutor:
        """The running executor, its worker started (in a thread: see the module's notes)."""
        async with self._starting:
            while (executor := self._running()) is not self._started:
                # Dead or shut down meanwhile: _running() replaces it or says we are stopping.
                with contextlib.suppress(RuntimeError):
                    await asyncio.to_thread(executor.submit, _ready)
                self._started = executor
            return executor

    def _running(self) -> ProcessPoolExecutor:
        if self._closed:
            raise ParseFailed(FeedStatus.ERROR, "the bot is stopping: nothing more is parsed")
        if self._executor is not None and not _healthy(self._executor):
            log.error("the parser process died between feeds; a new one takes over")
            self._replace(self._executor)
        if self._executor is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["bot.ingest.parse", __name__])
            self._executor = ProcessPoolExecutor(
                max_workers=1, mp_context=context, initializer=_leave_with_the_bot
            )
        return self._executor

    def _queue(
        self, executor: ProcessPoolExecutor, waiter: asyncio.Future[ParsedFeed]
    ) -> asyncio.Future[ParsedFeed] | None:
        """Note `waiter` as the last feed given to the worker; the one ahead, if unfinished."""
        last, self._last = self._last, (executor, waiter)
        if last is None or last[0] is not executor or last[1].done():
            return None
        return last[1]

    def _replace(self, executor: ProcessPoolExecutor, *, kill: bool = False) -> None:
        """Drop `executor` (killing its worker first if asked); the next parse starts anew.

        Its queued feeds are not cancelled: they fail with BrokenProcessPool and go again.
        """
        if kill:
            for process in _workers(executor).values():
                process.kill()
        if self._executor is executor:
            self._executor = None
            self.restarts += 1
            executor.shutdown(wait=False)


def _broken(ahead: asyncio.Future[ParsedFeed] | None) -> bool:
    """The feed ahead died with the worker, or was stopped by killing it."""
    if ahead is None:
        return False
    return ahead.cancelled() or isinstance(ahead.exception(), BrokenProcessPool)


def _healthy(executor: ProcessPoolExecutor) -> bool:
    """Its worker is alive, or not started yet (killed while idle, say by the OOM killer)."""
    if getattr(executor, "_broken", False):
        return False
    return all(process.is_alive() for process in _workers(executor).values())


def _workers(executor: ProcessPoolExecutor) -> dict[int, BaseProcess]:
    """The executor's worker processes by pid: private, but ProcessPoolExecutor offers no
    other way to see or stop them before Python 3.14."""
    return dict(getattr(executor, "_processes", None) or {})


def _ready() -> None:
    """A first task for a new worker: submitting it starts the worker."""


def _leave_with_the_bot() -> None:
    """The worker's initializer: exit when the bot or the forkserver is gone."""
    if sys.platform == "linux":
        # Without a prctl to call, the watch below still works.
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    bot = multiprocessing.parent_process()
    if bot is None:
        return
    sentinel = bot.sentinel

    def watch() -> None:
        wait([sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="bot-watch", daemon=True).start()


def warn_if_expat_is_old() -> bool:
    """Log a WARNING when this interpreter's expat predates the entity-recursion fix."""
    version = tuple(pyexpat.version_info)
    if version >= FIXED_EXPAT:
        return False
    log.warning(
        "this Python's expat is %s, older than %s: a feed with deeply nested entities can crash "
        "its parser (CVE-2024-8176). Such feeds are refused and a crashed parser is restarted, "
        "but upgrade Python or its libexpat.",
        ".".join(map(str, version)),
        ".".join(map(str, FIXED_EXPAT)),
    )
    return True
