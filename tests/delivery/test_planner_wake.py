"""New articles wake the digest planner (issue 14): wake-ups that come while it plans fold
into one, a failing plan does not end the loop, and on PostgreSQL an ingest process's
NOTIFY reaches the bot's LISTEN, once its transaction commits, and after a lost
connection too. PostgreSQL parts against the throwaway server of tests/pg.py."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from types import SimpleNamespace

import psycopg
import pytest

from bot.delivery.planner_wake import PlannerWake, wake_loop
from bot.ingest.pipeline import FeedReport
from bot.jobs import ingest_tick
from bot.models import FeedStatus
from storage.article_notify import ArticleListener, notify_in, notify_new_articles
from storage.articles import ArticleRepository
from storage.postgres_db import PostgresDatabase
from tests.storage.test_search_index import new_article

BOUND = 30  # seconds: a wait that should end at once; this only stops a hang


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_wake_ups_while_the_planner_runs_fold_into_one_more_run() -> None:
    wake, runs, release = PlannerWake(), [], asyncio.Event()

    async def plan() -> None:
        runs.append(len(runs))
        if len(runs) == 1:
            await release.wait()

    loop = asyncio.create_task(wake_loop(wake, plan))
    try:
        wake.articles_stored(2)
        await settle()
        assert runs == [0]
        for _ in range(3):
            wake.articles_stored(1)  # while the first run goes on
        release.set()
        await settle()
        assert runs == [0, 1]
        assert not wake.pending
    finally:
        loop.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await loop


async def test_a_failing_plan_leaves_the_planner_listening() -> None:
    wake, runs = PlannerWake(), []

    async def plan() -> None:
        runs.append(1)
        if len(runs) == 1:
            raise RuntimeError("the database blinked")

    loop = asyncio.create_task(wake_loop(wake, plan))
    try:
        wake.articles_stored(1)
        await settle()
        wake.articles_stored(1)
        await settle()
        assert len(runs) == 2
    finally:
        loop.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await loop


class Ingestor:
    def __init__(self, new: int) -> None:
        self.new = new

    async def run_due(self, *, limit: int) -> list[FeedReport]:
        return [FeedReport("https://example.org/a.xml", FeedStatus.OK, new=self.new)]


@pytest.mark.parametrize("new", [0, 3])
async def test_the_bots_own_ingest_tick_wakes_the_planner_only_with_new_articles(
    new: int,
) -> None:
    wake = PlannerWake()
    context = SimpleNamespace(
        services=SimpleNamespace(ingestor=Ingestor(new), wake=wake),
        bot_data=SimpleNamespace(ops=None),
    )
    await ingest_tick(context)  # type: ignore[arg-type]
    assert wake.pending is bool(new)


@pytest.fixture
async def pg(empty_postgres: str) -> AsyncIterator[PostgresDatabase]:
    db = await PostgresDatabase.open(empty_postgres)
    yield db
    await db.close()


class Heard:
    def __init__(self) -> None:
        self.counts: list[int] = []
        self.event = asyncio.Event()

    def __call__(self, count: int) -> None:
        self.counts.append(count)
        self.event.set()

    async def next(self) -> int:
        await asyncio.wait_for(self.event.wait(), BOUND)
        self.event.clear()
        return self.counts[-1]


async def test_an_ingest_processs_notify_wakes_the_listening_planner(
    pg: PostgresDatabase, empty_postgres: str
) -> None:
    wake, heard = PlannerWake(), Heard()

    def both(count: int) -> None:
        wake.articles_stored(count)
        heard(count)

    listener = ArticleListener(empty_postgres, both)
    await listener.start()
    try:
        await notify_new_articles(pg, 7)  # another connection: another process, any host
        assert await heard.next() == 7
        assert await asyncio.wait_for(wake.wait(), BOUND) == 7
    finally:
        await listener.close()


async def test_a_notify_in_a_rolled_back_transaction_wakes_nobody(
    pg: PostgresDatabase, empty_postgres: str
) -> None:
    heard = Heard()
    listener = ArticleListener(empty_postgres, heard)
    await listener.start()
    try:
        with contextlib.suppress(RuntimeError):
            async with pg.transaction() as tx:
                await notify_in(tx, 5)
                raise RuntimeError("the article insert failed")
        async with pg.transaction() as tx:
            await notify_in(tx, 2)  # committed: this one arrives, and only it
        assert await heard.next() == 2
        assert heard.counts == [2]
    finally:
        await listener.close()


async def test_a_lost_listen_connection_is_reopened_and_the_planner_looks_anyway(
    pg: PostgresDatabase, empty_postgres: str
) -> None:
    heard = Heard()
    listener = ArticleListener(empty_postgres, heard, retry=0.05)
    await listener.start()
    try:
        pid = await listener.backend_pid()
        async with await psycopg.AsyncConnection.connect(empty_postgres, autocommit=True) as c:
            await c.execute("SELECT pg_terminate_backend(%s)", (pid,))
        assert await heard.next() == 0  # reconnected: what was sent meanwhile is lost
        assert await listener.backend_pid() not in (None, pid)
        await notify_new_articles(pg, 4)
        assert await heard.next() == 4
    finally:
        await listener.close()


async def test_storing_new_articles_notifies_in_their_own_transaction_and_duplicates_do_not(
    pg: PostgresDatabase, empty_postgres: str
) -> None:
    heard = Heard()
    listener = ArticleListener(empty_postgres, heard)
    await listener.start()
    try:
        await pg.execute("INSERT INTO feeds (url, created_at) VALUES ('https://e/', 'x')")
        articles = ArticleRepository(pg)
        await articles.store(1, [new_article(1, "قمة في باكو"), new_article(2, "يريفان")])
        assert await heard.next() == 2  # sent by the store itself: no pass-level NOTIFY
        await articles.store(1, [new_article(1, "قمة في باكو")])  # known: nothing added
        await articles.store(1, [new_article(3, "تبليسي")])
        assert await heard.next() == 1
        assert heard.counts == [2, 1]
    finally:
        await listener.close()
