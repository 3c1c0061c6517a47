"""Digest runs: when each began and ended, how late its digests left, what paid sending cost.

`/stats` reads `last()`; so can a /metrics endpoint (`last()` and `paid_total()` are
plain reads of a few numbers, kept up to date as a run goes).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.run_order import Lateness
from storage.backend import Backend
from storage.db import from_db_time

STARS_PER_PAID_MESSAGE = 0.1  # the Bot API's fee for allow_paid_broadcast, per message


@dataclass(frozen=True)
class PaidDigests:
    digests: int
    messages: int

    @property
    def stars(self) -> float:
        return round(self.messages * STARS_PER_PAID_MESSAGE, 1)


@dataclass(frozen=True)
class RunSummary:
    id: int
    started_at: datetime
    ended_at: datetime | None  # None: still going (or stopped mid-run, to go on at start)
    lateness: Lateness
    paid: PaidDigests  # what this run sent with allow_paid_broadcast


class DigestRunRepository:
    def __init__(self, db: Backend) -> None:
        self.db = db

    async def unfinished(self) -> int | None:
        """The run a stop interrupted, to go on with; None when the last one ended."""
        row = await self.db.fetchone(
            "SELECT id FROM digest_runs WHERE ended_at IS NULL ORDER BY id DESC LIMIT 1"
        )
        return int(row[0]) if row else None

    async def start(self) -> int:
        async with (
            self.db.transaction() as tx,
            tx.execute(
                "INSERT INTO digest_runs (started_at) VALUES (?) RETURNING id", (self.db.now(),)
            ) as inserted,
        ):
            row = await inserted.fetchone()
        assert row is not None
        return int(row[0])

    async def save(self, run_id: int, lateness: Lateness, paid: PaidDigests) -> None:
        await self.db.execute(
            "UPDATE digest_runs SET digests = ?, late_median = ?, late_p95 = ?, late_max = ?,"
            " paid_digests = ?, paid = ? WHERE id = ?",
            (
                lateness.digests,
                lateness.median,
                lateness.p95,
                lateness.max,
                paid.digests,
                paid.messages,
                run_id,
            ),
        )

    async def end(self, run_id: int) -> None:
        await self.db.execute(
            "UPDATE digest_runs SET ended_at = ? WHERE id = ?", (self.db.now(), run_id)
        )

    async def paid_of(self, run_id: int) -> PaidDigests:
        """What the run sent paid so far, read back from its ledger rows (at a restart)."""
        row = await self.db.fetchone(
            "SELECT COUNT(*) FILTER (WHERE paid > 0), COALESCE(SUM(paid), 0) FROM deliveries"
            " WHERE run_id = ?",
            (run_id,),
        )
        return PaidDigests(int(row[0]), int(row[1])) if row else PaidDigests(0, 0)

    async def last(self) -> RunSummary | None:
        """The latest run that sent something (the one going on, if any)."""
        row = await self.db.fetchone(
            "SELECT * FROM digest_runs WHERE digests > 0 ORDER BY id DESC LIMIT 1"
        )
        if row is None:
            return None
        lateness = Lateness(row["digests"], row["late_median"], row["late_p95"], row["late_max"])
        ended = from_db_time(row["ended_at"]) if row["ended_at"] else None
        paid = PaidDigests(row["paid_digests"], row["paid"])
        return RunSummary(row["id"], from_db_time(row["started_at"]), ended, lateness, paid)

    async def paid_total(self) -> PaidDigests:
        """Every digest that went out paid, and its messages (0.1 Star each): a sum over
        runs, cheap enough for a /metrics scrape."""
        row = await self.db.fetchone(
            "SELECT COALESCE(SUM(paid_digests), 0), COALESCE(SUM(paid), 0) FROM digest_runs"
        )
        return PaidDigests(int(row[0]), int(row[1])) if row else PaidDigests(0, 0)

    async def metrics(self) -> dict[str, float]:
        """The last run's lateness and what paid digests cost, as flat numbers for a
        /metrics endpoint (seconds; NaN before any run); two small reads."""
        last, paid = await self.last(), await self.paid_total()
        late = last.lateness if last is not None else Lateness()

        def number(value: float | None) -> float:
            return float("nan") if value is None else float(value)

        return {
            "digest_run_lateness_median_seconds": number(late.median),
            "digest_run_lateness_p95_seconds": number(late.p95),
            "digest_run_lateness_max_seconds": number(late.max),
            "digest_run_digests": float(late.digests),
            "digest_run_running": float(last is not None and last.ended_at is None),
            "digests_paid_total": float(paid.digests),
            "digest_paid_messages_total": float(paid.messages),
            "digest_paid_stars_total": paid.stars,
        }
