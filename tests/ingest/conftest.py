"""Ingestion test fixtures: a fresh database, an ingestor with short limits, fixture feeds."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.context import Services
from bot.ingest.fetch import FetchLimits
from bot.ingest.pipeline import FeedReport, Ingestor
from bot.ingest.timing import Timing

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "feeds"
# Short bounds keep the misbehaving-server tests fast.
FAST = FetchLimits(
    total_timeout=0.8,
    connect_timeout=0.5,
    read_timeout=0.4,
    max_bytes=256 * 1024,
    max_redirects=4,
    concurrency=8,
)


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.fixture
async def services(tmp_path: Path) -> AsyncIterator[Services]:
    services = await Services.create(
        load_settings(
            database_path=tmp_path / "t.db",
            feeds_file=tmp_path / "none.toml",
            allow_private_feeds=True,  # the feed server is on 127.0.0.1
        )
    )
    try:
        yield services
    finally:
        await services.close()


@pytest.fixture
def ingestor(services: Services) -> Ingestor:
    return Ingestor(
        services.feeds,
        services.articles,
        services.stories,
        services.classifier,
        services.http,
        timing=Timing(jitter=0),
        limits=FAST,
        clock=services.clock,
    )


async def ingest(ingestor: Ingestor, *urls: str) -> list[FeedReport]:
    """Add the URLs as feeds (once) and run one pass over them, in order."""
    feeds = [(await ingestor.feeds.add(u))[0] for u in urls]
    return await ingestor.run(feeds)


async def rows(services: Services, sql: str, *params: object) -> list[dict[str, object]]:
    return [dict(r) for r in await services.db.fetchall(sql, params)]
