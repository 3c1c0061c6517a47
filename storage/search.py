"""The full-text index of articles (SQLite FTS5) and the look-ups /search and inline mode make.

What is indexed and how a query is built are bot.core.search's; this module only
stores terms and runs MATCH. storage/articles.py writes the index in the same
transaction as the articles; a trigger (migration 0012) drops a deleted article's
row; `catch_up` indexes articles stored before the index existed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import UTC, datetime

from bot.core.search import Hit, Query, index_terms
from storage.backend import Backend, Transaction
from storage.db import to_db_time

log = logging.getLogger(__name__)

CANDIDATES = 150  # newest matches in titles, and anywhere, ranked by relevance and age
_CATCH_UP_BATCH = 500

Terms = tuple[int, str, str]  # article id, title terms, summary terms


def article_terms(rows: Sequence[tuple[int, str, str]]) -> list[Terms]:
    """Index terms of (id, title, summary) rows: CPU work, run it off the event loop."""
    return [(i, index_terms(title), index_terms(summary or "")) for i, title, summary in rows]


async def write_terms(tx: Transaction, terms: Sequence[Terms]) -> None:
    """Add or replace index rows, inside the caller's transaction (FTS5 tables take no
    UPSERT: OR REPLACE is the way)."""
    await tx.executemany(
        "INSERT OR REPLACE INTO article_search (rowid, title, summary) VALUES (?, ?, ?)", terms
    )


class SearchIndex:
    def __init__(self, db: Backend) -> None:
        self.db = db

    async def find(self, query: Query, since: datetime) -> list[Hit]:
        """Matching articles published since `since`: the newest with the words in their
        title, and the newest with them anywhere, each with its relevance (BM25, a title
        word counting three times a summary word).

        Ranking every match would cost as much as the matches are many (thousands for a
        country's name in a month of news); relevance is computed only for these two short
        lists, from which the final order (bot.core.search.rank: relevance weighed by age)
        picks. What it leaves out is older than hundreds of newer matches.
        """
        newest = (
            "SELECT rowid, rank FROM article_search WHERE article_search MATCH ?"
            f" ORDER BY rowid DESC LIMIT {CANDIDATES}"
        )
        relevance: dict[int, float] = {}
        for match in (f"{{title}} : ({query.match})", query.match):
            for row in await self.db.fetchall(newest, (match,)):
                relevance[row[0]] = -float(row[1])
        if not relevance:
            return []
        rows = await self.db.fetch_in(
            "SELECT id, story_id, title, url, source, published_at FROM articles"
            " WHERE published_at >= ? AND id IN ({})",
            list(relevance),
            before=(to_db_time(since),),
        )
        return [
            Hit(
                article_id=r["id"],
                story_id=r["story_id"],
                title=r["title"],
                url=r["url"],
                source=r["source"],
                published_at=_db_time(r["published_at"]),
                relevance=relevance[r["id"]],
            )
            for r in rows
        ]

    async def count(self) -> int:
        row = await self.db.fetchone("SELECT COUNT(*) FROM article_search")
        return int(row[0]) if row else 0

    async def catch_up(self) -> int:
        """Index the stored articles the index lacks (those stored before it existed)."""
        done, after = 0, 0
        while True:
            async with self.db.transaction() as tx:
                async with tx.execute(
                    "SELECT a.id, a.title, a.summary, EXISTS (SELECT 1 FROM article_search s"
                    " WHERE s.rowid = a.id) AS indexed FROM articles a WHERE a.id > ?"
                    " ORDER BY a.id LIMIT ?",
                    (after, _CATCH_UP_BATCH),
                ) as cursor:
                    rows = list(await cursor.fetchall())
                if not rows:
                    break
                after = rows[-1]["id"]
                missing = [(r["id"], r["title"], r["summary"]) for r in rows if not r["indexed"]]
                if missing:
                    await write_terms(tx, await asyncio.to_thread(article_terms, missing))
            done += len(missing)
        if done:
            log.info("search index: %d stored articles indexed", done)
        return done


def _db_time(text: str) -> datetime:
    """storage.db's stored time ("2026-11-30T09:00:00Z"), read in C: a search reads
    hundreds, and strptime would cost more than the look-up."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)
