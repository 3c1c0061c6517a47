"""Recipient rows of a broadcast, written at the pace of its sends: one commit for many.

Each send must see its row marked 'sending' *committed* before its request leaves,
or a kill right after the send would leave it 'pending' and resend it. One commit
per send costs more than the send itself at a thousand a second, so marks and
results queue here and one writer commits whatever has queued, in one transaction,
while the next batch gathers (a group commit). A send waits only for the commit
that carries its own mark; results need no wait, they go with the next commit.
"""

from __future__ import annotations

import asyncio

from storage.broadcasts import BroadcastRepository, Result


class RecipientCommits:
    """Group-commits a broadcast's recipient marks and results."""

    def __init__(self, repo: BroadcastRepository, broadcast_id: int) -> None:
        self.repo = repo
        self.broadcast_id = broadcast_id
        self.commits = 0
        self._sending: list[int] = []
        self._waiters: list[asyncio.Future[None]] = []
        self._results: list[Result] = []
        self._wake = asyncio.Event()
        self._closing = False
        self._task: asyncio.Task[None] | None = None

    async def sending(self, chat_id: int) -> None:
        """Return once the row of `chat_id` is committed as 'sending'."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._sending.append(chat_id)
        self._waiters.append(future)
        self._kick()
        await future

    def done(self, result: Result) -> None:
        """Close a row; committed with the next batch."""
        self._results.append(result)
        self._kick()

    async def close(self) -> None:
        """Commit what is queued and stop."""
        self._closing = True
        self._kick()
        if self._task is not None:
            await self._task

    def _kick(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._write_forever())
        self._wake.set()

    async def _write_forever(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            sending, waiters, results = self._sending, self._waiters, self._results
            self._sending, self._waiters, self._results = [], [], []
            if sending or results:
                try:
                    await self.repo.apply(self.broadcast_id, sending=sending, results=results)
                    self.commits += 1
                except BaseException as exc:
                    for future in waiters:
                        if not future.done():
                            future.set_exception(exc)
                    raise
                for future in waiters:
                    if not future.done():
                        future.set_result(None)
            if self._closing and not (self._sending or self._results):
                return
