"""The full-text index of articles and the look-ups /search and inline mode make.

What is indexed and how a query is built are bot.core.search's; this module only
stores terms and runs the match, in each backend's own way. SQLite: an FTS5 table
(migration 0012) searched with MATCH and ranked by BM25; a trigger drops a deleted
article's row. PostgreSQL: the same `article_search (rowid, title, summary)` table with a
generated `tsvector` (the title's terms weighted A) under a GIN index, searched with
`@@` and ranked by `ts_rank`; the row goes with its article by foreign key. Terms are
already normalised (bot.core.search), so PostgreSQL's 'simple' configuration only splits
them. storage/articles.py writes the index in the same transaction as the articles;
`catch_up` indexes articles stored before the index existed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import UTC, datetime

from bot.core.search import Hit, Query, index_terms
from storage.backend import Backend, Row, Transaction
from storage.db import to_db_time

log = logging.getLogger(__name__)

CANDIDATES = 150  # newest matches in titles, and anywhere, ranked by relevance and age
_CATCH_UP_BATCH = 500

Terms = tuple[int, str, str]  # article id, title terms, summary terms


def article_terms(rows: Sequence[tuple[int, str, str]]) -> list[Terms]:
    """Index terms of (id, title, summary) rows: CPU work, run it off the event loop."""
    return [(i, index_terms(title), index_terms(summary or "")) for i, title, summary in rows]


# title weighs three times the summary in the relevance, on both backends
_PG_WEIGHTS = "'{0.3333, 0, 0, 1}'"  # ts_rank's weights of D (the summary), C, B, A (title)


async def write_terms(tx: Transaction, terms: Sequence[Terms]) -> None:
    """Add or replace index rows, inside the caller's transaction (an FTS5 table takes no
    UPSERT: OR REPLACE is SQLite's way)."""
    if tx.dialect.postgres:
        await tx.executemany(
            "INSERT INTO article_search (rowid, title, summary) VALUES (?, ?, ?)"
            " ON CONFLICT (rowid) DO UPDATE SET title = excluded.title,"
            " summary = excluded.summary",
            terms,
        )
        return
    await tx.executemany(
        "INSERT OR REPLACE INTO article_search (rowid, title, summary) VALUES (?, ?, ?)", terms
    )


def tsquery(query: Query, *, title_only: bool = False) -> str:
    """`query` for PostgreSQL's to_tsquery: every word, each by any of its terms, each term
    quoted (a quote or backslash in it doubled or escaped), `:A` for titles only."""
    weight = ":A" if title_only else ""

    def quoted(term: str) -> str:
        escaped = term.replace("\\", "\\\\").replace("'", "''")
        return f"'{escaped}'{weight}"

    return " & ".join("(" + " | ".join(map(quoted, terms)) + ")" for terms in query.words)


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
        relevance: dict[int, float] = {}
        for row in await self._candidates(query):
            relevance[row[0]] = float(row[1])
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

    async def _candidates(self, query: Query) -> list[Row]:
        """(article id, relevance) of the newest matches in titles, then anywhere."""
        rows: list[Row] = []
        if self.db.dialect.postgres:
            newest = (
                f"SELECT rowid, ts_rank({_PG_WEIGHTS}, terms, q) FROM article_search,"
                " to_tsquery('simple', ?) AS q WHERE terms @@ q"
                f" ORDER BY rowid DESC LIMIT {CANDIDATES}"
            )
            for match in (tsquery(query, title_only=True), tsquery(query)):
                rows.extend(await self.db.fetchall(newest, (match,)))
            return rows
        newest = (
            "SELECT rowid, -rank FROM article_search WHERE article_search MATCH ?"
            f" ORDER BY rowid DESC LIMIT {CANDIDATES}"
        )
        for match in (f"{{title}} : ({query.match})", query.match):
            rows.extend(await self.db.fetchall(newest, (match,)))
        return rows

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
