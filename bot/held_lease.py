"""The sender lease one `mujaz run` process holds for its whole life (issue 14).

On SQLite, `mujaz run` takes the `sender_lease` row before it starts (a live holder: exit
3) and renews it through the shared database. On PostgreSQL the lease is an advisory lock
on a connection of its own (storage/lease_pg.py), taken as the application starts, before
the ledger is settled: a second bot process waits there as the standby, and only once the
holder's session ends (SIGKILL, a dead host, a stop) does it settle the ledger, poll
Telegram and go on with the digest run and any broadcast.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.lease import Holder
from storage.backend import Backend
from storage.lease import LeaseRepository
from storage.lease_pg import PostgresLeaseRepository


@dataclass
class HeldLease:
    me: Holder
    advisory: PostgresLeaseRepository | None = None  # PostgreSQL; None: SQLite's row

    @property
    def instance(self) -> str:
        return self.me.instance

    async def take(self) -> None:
        """SQLite: the CLI took it already. PostgreSQL: wait, as the standby, until held."""
        if self.advisory is not None:
            await self.advisory.wait_to_acquire(self.me)

    def repository(self, db: Backend) -> LeaseRepository | PostgresLeaseRepository:
        """What `beat` goes through: the lock's own connection, or the shared database."""
        return self.advisory or LeaseRepository(db)

    async def release(self, db: Backend | None) -> None:
        """Clear our row; on PostgreSQL also end the lock's session (a standby takes over)."""
        if self.advisory is not None:
            await self.advisory.release(self.instance)
            await self.advisory.close()
        elif db is not None:
            await LeaseRepository(db).release(self.instance)
