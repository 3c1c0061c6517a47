"""/metrics: what Prometheus scrapes, in one registry per bot (never the global one).

Delivery figures come from the outbox's own counts (each send's outcome by lane, 429s,
seconds paused, what waits per lane), read when scraped; feed states, active chats and
the database's size from one query each, refreshed just before; ingestion passes are
observed as they end (`ingested`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from bot.delivery.lanes import Lane
from bot.delivery.outbox import Outbox
from storage.ops import Counts, OpsRepository

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_INGEST_BUCKETS = (0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600)


class _Report(Protocol):
    @property
    def new(self) -> int: ...


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.outbox: Outbox | None = None
        self.counts = Counts()
        self.ingest_duration = Histogram(
            "mujaz_ingest_duration_seconds",
            "How long a scheduled ingestion pass took",
            buckets=_INGEST_BUCKETS,
            registry=self.registry,
        )
        self.new_articles = Counter(
            "mujaz_new_articles", "Articles stored by ingestion", registry=self.registry
        )
        self.registry.register(_Live(self))

    def ingested(self, seconds: float, reports: Sequence[_Report]) -> None:
        """One ingestion pass ended."""
        self.ingest_duration.observe(seconds)
        self.new_articles.inc(sum(r.new for r in reports))

    async def render(self, ops: OpsRepository | None) -> bytes:
        """The text exposition, with the database's counts read now."""
        if ops is not None:
            self.counts = await ops.counts()
        return generate_latest(self.registry)


class _Live(Collector):
    """Families read at scrape time from the outbox and the last database counts."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def collect(self) -> Iterable[CounterMetricFamily | GaugeMetricFamily]:
        outbox, counts = self.metrics.outbox, self.metrics.counts
        deliveries = CounterMetricFamily(
            "mujaz_deliveries",
            "Messages sent to chats, by kind (reply, digest, broadcast) and outcome",
            labels=("kind", "outcome"),
        )
        throttled = CounterMetricFamily("mujaz_telegram_429", "429 answers from Telegram")
        paused = CounterMetricFamily(
            "mujaz_outbox_paused_seconds", "Seconds bulk sending was paused by 429s"
        )
        waiting = GaugeMetricFamily(
            "mujaz_outbox_queue_length", "Requests waiting in the outbox", labels=("lane",)
        )
        held = GaugeMetricFamily(
            "mujaz_outbox_held_seconds", "Seconds bulk sending has been held by 429s (0: not)"
        )
        if outbox is not None:
            stats = outbox.stats
            for (lane, outcome), n in sorted(stats.outcomes.items()):
                deliveries.add_metric((lane.name.lower(), outcome), n)
            throttled.add_metric((), stats.throttled)
            paused.add_metric((), stats.paused_seconds)
            for lane, n in outbox.waiting_by_lane().items():
                waiting.add_metric((lane.name.lower(),), n)
            held.add_metric((), outbox.held_for())
        else:
            for lane in Lane:
                waiting.add_metric((lane.name.lower(),), 0)
        yield from (deliveries, throttled, paused, waiting, held)

        feeds = GaugeMetricFamily("mujaz_feeds", "Feeds by state", labels=("state",))
        for state, n in sorted(counts.feeds.items()):
            feeds.add_metric((state,), n)
        yield feeds
        yield GaugeMetricFamily(
            "mujaz_active_chats", "Chats that receive digests", value=counts.active_chats
        )
        yield GaugeMetricFamily(
            "mujaz_database_bytes", "Size of the SQLite database", value=counts.database_bytes
        )
        yield from _digest_runs(counts.digest_runs)


def _digest_runs(figures: dict[str, float]) -> Iterable[CounterMetricFamily | GaugeMetricFamily]:
    """The last scheduled run's lateness (seconds after the chosen time; NaN before any
    run) and what paid digests have cost, from storage.digest_runs."""
    for name, value in sorted(figures.items()):
        if name.endswith("_total"):
            what = "Paid digests so far: " + name.removeprefix("digest").replace("_", " ")
            yield CounterMetricFamily(f"mujaz_{name.removesuffix('_total')}", what, value=value)
        else:
            what = "The last digest run: " + name.removeprefix("digest_run_").replace("_", " ")
            yield GaugeMetricFamily(f"mujaz_{name}", what, value=value)
