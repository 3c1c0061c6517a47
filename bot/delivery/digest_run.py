"""One scheduled digest run: its row in `digest_runs`, its lateness tally, what it paid.

A run begins with its first claim and ends when its queue is empty. A stop ends nothing:
the next start goes on with the same run, its queue and its figures.
"""

from __future__ import annotations

from bot.core.run_order import LatenessTally
from storage.digest_queue import DigestQueueRepository
from storage.digest_runs import DigestRunRepository, PaidDigests

NONE_PAID = PaidDigests(0, 0)


class Run:
    def __init__(
        self,
        runs: DigestRunRepository,
        run_id: int | None,
        tally: LatenessTally,
        paid: PaidDigests = NONE_PAID,
    ) -> None:
        self.runs = runs
        self.id = run_id
        self.tally = tally
        self.paid = paid  # sent with allow_paid_broadcast

    @classmethod
    async def resume_or_new(cls, runs: DigestRunRepository, queue: DigestQueueRepository) -> Run:
        """The run a stop interrupted, with its figures read back from the ledger; else a
        new one, written down only when it claims something."""
        run_id = await runs.unfinished()
        if run_id is None:
            return cls(runs, None, LatenessTally())
        tally = LatenessTally(await queue.lateness(run_id))
        return cls(runs, run_id, tally, await runs.paid_of(run_id))

    async def ensure(self) -> int:
        if self.id is None:
            self.id = await self.runs.start()
        return self.id

    def paid_for(self, messages: int) -> None:
        """A digest of `messages` messages went out paid."""
        if messages:
            self.paid = PaidDigests(self.paid.digests + 1, self.paid.messages + messages)

    async def save(self) -> None:
        """Its figures so far, for /stats and /metrics while it goes on."""
        if self.id is not None:
            await self.runs.save(self.id, self.tally.summary(), self.paid)

    async def finish(self) -> None:
        if self.id is not None:
            await self.save()
            await self.runs.end(self.id)
