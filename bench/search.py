"""/search over 100,000 stored articles: p50 and p95 per query, on one core.

    .venv/bin/python bench/search.py [--articles 100000] [--runs 20]

Builds a real SQLite database (temporary) of articles made from the project's own
labelled corpora (titles and leads recombined, published over the last 30 days),
indexes them as the bot does at start (storage/search.py, catch_up), then times what
/search does before its reply leaves: parse the words, look them up, rank, render the
reply. The baseline, measured in the same run on the same rows, is what search would
be without the index: a LIKE scan of titles and summaries for the words as typed
(which also misses every other form of them). Target: p95 under 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core.render import Renderer  # noqa: E402
from bot.core.search import Query, parse_query  # noqa: E402
from bot.story_search import StorySearch  # noqa: E402
from storage.db import Database, to_db_time  # noqa: E402
from storage.search import SearchIndex  # noqa: E402

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
QUERIES = [
    "أذربيجان",  # common in the corpus
    "الأذربيجانية",
    "وروسيا",
    "روسيا أوكرانيا",
    "النفط",
    "أسعار النفط أوبك",
    "باكو",
    "بوتين",
    "الذكاء الاصطناعي",
    "كأس العالم",
    "إيران",
    "زلزال",
    "التضخم الفائدة",
    "Putin",
    "Azerbaijan Armenia",
    "غزة",
    "لقاح",
    "البنك المركزي",
    "تبليسي",
    "كلمةلاتوجد",  # no match
]


def corpus() -> list[tuple[str, str]]:
    pairs = []
    for path in (ROOT / "tests/corpus/articles.jsonl", ROOT / "tests/corpus/dev/topics.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                pairs.append((row["title"], row.get("text") or row.get("summary") or ""))
    return pairs


async def populate(db: Database, count: int, rng: random.Random) -> None:
    pairs = corpus()
    span = timedelta(days=30).total_seconds()
    rows = []
    for i in range(count):
        title = rng.choice(pairs)[0]
        lead = " ".join(rng.choice(pairs)[1].split()[:35])
        published = NOW - timedelta(seconds=span * (count - i) / count)
        rows.append(
            (
                f"g{i}",
                f"https://e.example/{i}",
                f"https://e.example/{i}",
                f"{title} ({i})",
                lead,
                f"source {i % 40}",
                to_db_time(published),
                i // 3 + 1,
            )
        )
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO feeds (id, url, created_at) VALUES (1, 'https://e.example/rss', '')"
        )
        await conn.executemany(
            "INSERT INTO articles (feed_id, guid, url, canonical_url, title, summary, text, source,"
            " published_at, fetched_at, story_id) VALUES (1, ?, ?, ?, ?, ?, '', ?, ?, '', ?)",
            rows,
        )


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def timed_search(search: StorySearch, renderer: Renderer, words: str) -> float:
    start = time.perf_counter()
    query = parse_query(words)
    assert isinstance(query, Query)
    hits = await search.find(query, limit=8)
    items = [
        {
            "title": h.title,
            "url": h.url,
            "source": h.source,
            "age": renderer.ago("ar", h.published_at, NOW),
        }
        for h in hits
    ]
    renderer.text(
        "ar", "search.results" if items else "search.none", given=words, items=items, days=30
    )
    return time.perf_counter() - start


async def timed_like(db: Database, words: str) -> float:
    start = time.perf_counter()
    first = f"%{words.split()[0]}%"
    await db.fetchall(
        "SELECT id, title, url, source, published_at FROM articles WHERE published_at >= ?"
        " AND (title LIKE ? OR summary LIKE ?) ORDER BY published_at DESC LIMIT 8",
        (to_db_time(NOW - timedelta(days=30)), first, first),
    )
    return time.perf_counter() - start


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20, help="runs of every query")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        db = await Database.open(path, clock=lambda: NOW)
        await populate(db, args.articles, random.Random(7))
        await db.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        before = path.stat().st_size
        index = SearchIndex(db)
        start = time.perf_counter()
        await index.catch_up()
        built = time.perf_counter() - start
        await db.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        grown = path.stat().st_size - before
        print(
            f"{args.articles:,} articles indexed in {built:.1f} s"
            f" ({built / args.articles * 1e6:.0f} µs each); the index adds"
            f" {grown / 2**20:.0f} MB to {before / 2**20:.0f} MB"
        )

        search = StorySearch(index, lambda: NOW)
        renderer = Renderer(ROOT / "templates")
        for words in QUERIES:  # warm the page cache and the templates
            await timed_search(search, renderer, words)
        fts = [await timed_search(search, renderer, w) for _ in range(args.runs) for w in QUERIES]
        like = [await timed_like(db, w) for _ in range(max(args.runs // 4, 1)) for w in QUERIES]
        await db.close()

    p50, p95 = percentile(fts, 0.5) * 1000, percentile(fts, 0.95) * 1000
    b50, b95 = percentile(like, 0.5) * 1000, percentile(like, 0.95) * 1000
    print(
        f"/search (FTS5, ranked, rendered): p50 {p50:.1f} ms  p95 {p95:.1f} ms  ({len(fts)} runs)"
    )
    print(
        f"baseline LIKE scan, newest first: p50 {b50:.1f} ms  p95 {b95:.1f} ms  ({len(like)} runs)"
    )
    print(
        f"ratio at p95: {b95 / p95:.1f}× faster than the scan;"
        f" mean {statistics.fmean(fts) * 1000:.1f} ms"
    )
    print(f"target p95 < 50 ms: {'met' if p95 < 50 else 'NOT met'}")


if __name__ == "__main__":
    asyncio.run(main())
