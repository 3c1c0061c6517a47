"""Building every due digest for a big audience: time, renderings, peak memory.

    .venv/bin/python bench/digest.py [--users 100000] [--articles 5000] [--page 5000]
        [--database postgresql://user@host/db | --start-postgres]

Builds a real database (temporary) with the chats, their topics and fresh articles
grouped into stories, then times what a schedule run does before sending: claiming the
ledger rows (in slices), and reading the queue back a page at a time, loading the fresh
stories and composing each chat's digest. It prints that against two baselines measured
or derived in the same run:
- the time Telegram's 30 messages per second would take to deliver the digests
  (target: building takes under a twentieth of it);
- composing a sample of chats with no shared renderings, extrapolated to all chats
  (what "rendered once, sent many" saves).
Both databases are analysed after loading (planner statistics), as a live one is.
Peak memory is the process's maximum resident size, set-up included (target < 300 MB
for a million readers: it must not grow with them).

With `--database postgresql://…` (a fresh database is created on that server and dropped
after) or `--start-postgres` (a throwaway server from tests/pg.py, as the tests use), the
same build runs on SQLite and then on PostgreSQL in the same run, and the PostgreSQL
build time is printed against SQLite's (issue 14's target: at most 2x).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import resource
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.config import Settings, load_settings
from bot.context import Services
from bot.delivery.digest_plan import PAGE_SIZE, Due
from bot.delivery.digest_pool import RunPools
from storage.db import to_db_time

TELEGRAM_RATE = 30  # messages per second across chats
# How popular each topic is; a chat picks 1–4 topics by these weights.
POPULARITY = {
    "middle_east": 20, "gulf": 16, "economy": 12, "energy": 8, "russia": 8, "ukraine_war": 7,
    "iran": 7, "turkey": 6, "south_caucasus": 5, "sports": 14, "technology": 9, "health": 6,
}  # fmt: skip
NOW = datetime(2026, 11, 30, 5, 0, 30, tzinfo=UTC)  # 08:00:30 in Riyadh


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


async def populate(services: Services, users: int, articles: int, rng: random.Random) -> None:
    db = services.db
    topics = list(POPULARITY)
    weights = list(POPULARITY.values())
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO feeds (id, url, title, created_at)"
            " VALUES (1, 'https://x.example/rss', 'x', '')"
        )
        story = 0
        rows, topic_rows = [], []
        for i in range(1, articles + 1):
            if i == 1 or rng.random() > 0.3:  # 30% of articles join an earlier story
                story = i
            story_id = story if rng.random() > 0.5 else rng.randint(max(1, i - 40), i)
            published = NOW - timedelta(minutes=rng.randint(1, 20 * 60))
            title = f"عنوان الخبر رقم {i} عن تطورات اليوم في المنطقة"
            url = f"https://x.example/{i}"
            summary = "ملخص الخبر في جملة أو جملتين كما يكتبه المحرر. " * 3
            when = to_db_time(published)
            rows.append(
                (
                    i,
                    1,
                    f"g{i}",
                    url,
                    url,
                    title,
                    summary,
                    "",
                    f"مصدر {i % 40}",
                    when,
                    when,
                    story_id,
                )
            )
            for topic in set(rng.choices(topics, weights, k=rng.randint(1, 2))):
                topic_rows.append((i, topic, round(rng.uniform(3, 12), 1)))
        await conn.executemany(
            "INSERT INTO articles (id, feed_id, guid, url, canonical_url, title, summary, text,"
            " source, published_at, fetched_at, story_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
        await conn.executemany(
            "INSERT INTO article_topics (article_id, topic_id, score) VALUES (?, ?, ?)", topic_rows
        )
        # Chats in slices, so that set-up does not hold a million rows in memory either.
        for first in range(1, users + 1, 20_000):
            user_rows, subs = [], []
            for chat_id in range(first, min(users, first + 19_999) + 1):
                language = "ar" if rng.random() < 0.85 else "en"
                digits = "arabic" if language == "ar" and rng.random() < 0.8 else "latin"
                user_rows.append((chat_id, language, "Asia/Riyadh", "08:00", digits, "", ""))
                for n, topic in enumerate(
                    dict.fromkeys(rng.choices(topics, weights, k=rng.randint(1, 4)))
                ):
                    subs.append((chat_id, topic, f"2026-01-01T00:00:{n:02d}Z"))
            await conn.executemany(
                "INSERT INTO users (chat_id, language, timezone, digest_times, digits,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                user_rows,
            )
            await conn.executemany(
                "INSERT INTO subscriptions (chat_id, topic_id, created_at) VALUES (?, ?, ?)",
                subs,
            )


@dataclass
class Figures:
    """What one build measured, on one backend."""

    backend: str
    set_up: float = 0.0
    due_count: int = 0
    pages: int = 0
    stories: int = 0
    renderings: int = 0
    messages: int = 0
    claimed: float = 0.0
    built: float = 0.0
    built_cpu: float = 0.0
    unshared: float = 0.0
    sample: int = 0
    before_mb: float = 0.0
    after_mb: float = 0.0


async def measure(
    settings: Settings, backend: str, users: int, articles: int, page_size: int
) -> Figures:
    """Populate the database `settings` name, then time the claim and the build."""
    rng = random.Random(7)  # the same chats and articles on every backend
    figures = Figures(backend)
    services = await Services.create(settings, clock=lambda: NOW)
    try:
        started = time.perf_counter()
        await populate(services, users, articles, rng)
        # A live database has its planner statistics (PostgreSQL's autovacuum gathers them
        # in the background); a table loaded a moment ago has none, and PostgreSQL would
        # then scan subscriptions whole for every slice of chats. Both backends alike.
        await services.db.execute("ANALYZE")
        figures.set_up = time.perf_counter() - started
        digests = services.digests
        planner, composer = digests.planner, digests.composer
        planner.page_size = page_size

        gc.collect()
        figures.before_mb = _rss_mb()
        start, cpu_start = time.perf_counter(), time.process_time()
        await planner.fill(NOW, digests.runs.start)
        figures.claimed = time.perf_counter() - start
        pools = RunPools(services.stories, NOW)
        sample: list[Due] = []  # a bounded sample of chats for the baseline
        pool = None
        position = None
        while True:
            page = await planner.page(NOW, after=position)
            if not page.dues:
                break
            figures.pages += 1
            position = page.position
            for due in page.dues:
                pool = await pools.get(due.up_to, page.phrases)
                composed = composer.compose(due.chat, due.topics, pool, now=NOW)
                figures.messages += len(composed.messages)
                figures.due_count += 1
                if len(sample) < 2000:
                    sample.append(due)
                elif rng.random() < 2000 / figures.due_count:
                    sample[rng.randrange(2000)] = due
        figures.built = time.perf_counter() - start
        figures.built_cpu = time.process_time() - cpu_start
        figures.after_mb = _rss_mb()
        assert pool is not None, "nobody was due"
        figures.renderings = pool.rendered
        figures.stories = len(pool.stories)

        # Baseline: the same chats composed with no shared renderings, on a sample.
        start = time.perf_counter()
        for due in sample:
            pool.renderings.clear()
            composer.compose(due.chat, due.topics, pool, now=NOW)
        figures.unshared = (time.perf_counter() - start) / len(sample) * figures.due_count
        figures.sample = len(sample)
    finally:
        await services.close()
    return figures


def report(f: Figures, page_size: int, articles: int) -> None:
    sending = f.messages / TELEGRAM_RATE
    print(f"[{f.backend}]")
    print(f"set-up (database)          {f.set_up:>10.1f} s")
    print(f"chats due                  {f.due_count:>10,}")
    print(f"page size                  {page_size:>10,}   ({f.pages:,} pages)")
    print(f"fresh stories in the pool  {f.stories:>10,}  (from {articles:,} articles)")
    print(f"distinct renderings        {f.renderings:>10,}")
    print(f"messages to send           {f.messages:>10,}")
    print(f"claim time                 {f.claimed:>10.1f} s")
    print(f"build time (claim+compose) {f.built:>10.1f} s")
    print(f"sending at {TELEGRAM_RATE}/s would take {sending:>8.0f} s")
    print(f"build CPU time (process)   {f.built_cpu:>10.1f} s   (the machine may be shared)")
    print(f"build / send time          {f.built / sending:>10.3f}   (target < 0.05)")
    print(
        f"without shared renderings  {f.unshared:>10.1f} s (extrapolated from {f.sample:,} chats)"
    )
    print(f"render-once speed-up       {f.unshared / max(f.built, 1e-9):>10.1f}x")
    print(f"RSS before / after build   {f.before_mb:>6.0f} / {f.after_mb:.0f} MB")


async def main(
    users: int, articles: int, page_size: int, postgres: str | None, start_postgres: bool
) -> int:
    runs: list[Figures] = []
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(database_path=Path(tmp) / "bench.db", bot_token=None)
        runs.append(await measure(settings, "sqlite", users, articles, page_size))
    if postgres is not None or start_postgres:
        from tests.pg import fresh_database  # (pytest and psycopg: only here)

        with fresh_database(postgres) as dsn:
            settings = load_settings(database_url=dsn, bot_token=None)
            runs.append(await measure(settings, "postgresql", users, articles, page_size))
    for figures in runs:
        report(figures, page_size, articles)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS)      {peak_mb:>10.0f} MB   (target < 300; all runs)")
    if len(runs) == 1:
        return 0
    sqlite, pg = runs
    if (pg.due_count, pg.messages) != (sqlite.due_count, sqlite.messages):
        print(f"MISS: PostgreSQL built {pg.due_count:,} digests ({pg.messages:,} messages),"
              f" SQLite {sqlite.due_count:,} ({sqlite.messages:,})")  # fmt: skip
        return 1
    ratio = pg.built / sqlite.built
    print(f"claim PostgreSQL / SQLite  {pg.claimed / sqlite.claimed:>10.2f}x")
    print(f"build PostgreSQL / SQLite  {ratio:>10.2f}x   (target <= 2)")
    ok = ratio <= 2 and pg.built / (pg.messages / TELEGRAM_RATE) < 0.05
    print("PASS" if ok else "MISS")
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--articles", type=int, default=5_000)
    parser.add_argument("--page", type=int, default=PAGE_SIZE)
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--database",
        default="sqlite",
        help="sqlite (default), or a postgresql:// server URL to compare SQLite against",
    )
    where.add_argument(
        "--start-postgres",
        action="store_true",
        help="compare against a throwaway PostgreSQL server started for this run",
    )
    args = parser.parse_args()
    url = None if args.database == "sqlite" else args.database
    if url is not None and not url.startswith(("postgresql://", "postgres://")):
        parser.error("--database takes sqlite or a postgresql:// URL")
    sys.exit(asyncio.run(main(args.users, args.articles, args.page, url, args.start_postgres)))
