"""Articles, the topics they are filed under, and the tombstones of pruned ones.

An article is known by its guid within its feed or by its canonical URL (so
the same story syndicated by two feeds of one publisher is stored once). Ids
only grow: an update rewrites the row in place and keeps its id, so a digest's
"after id" watermark does not see it as new again. Pruned articles leave their
keys behind as tombstones, so an old item still in a feed does not return.
This module only looks keys up; what a match means is bot.ingest.decide's call.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.ingest.decide import Known, KnownArticle
from bot.models import NewArticle
from storage.article_notify import notify_in
from storage.backend import Backend, Row, Transaction
from storage.db import from_db_time, to_db_time
from storage.search import article_terms, write_terms

_PRUNE_BATCH = 2000  # rows per delete, so no transaction holds the database for long
ARTICLES_IN_ID_ORDER = 0x6D756A617A03  # PostgreSQL advisory lock key: "mujaz" + 3 (lease: + 2)


@dataclass(frozen=True)
class ArticleUpdate:
    """A revised item: new text for a stored article, same id."""

    id: int
    article: NewArticle


@dataclass(frozen=True)
class StoreResult:
    added: int
    updated: int


def guid_key(feed_id: int, guid: str) -> str:
    return f"g {feed_id} {guid}"


def url_key(canonical_url: str) -> str:
    return f"u {canonical_url}"


class ArticleRepository:
    def __init__(self, db: Backend) -> None:
        self.db = db

    async def known(
        self, feed_id: int, guids: Iterable[str], canonical_urls: Iterable[str]
    ) -> Known:
        """The stored articles and pruned articles' tombstones that any of these keys name.

        Only lookups: whether an item is new, a revision or buried is decide()'s call.
        """
        guid_list, url_list = sorted(set(guids)), sorted(set(canonical_urls))
        columns = "id, feed_id, guid, canonical_url, content_hash, updates, item_updated"
        by_guid = {
            row["guid"]: _known(row)
            for row in await self.db.fetch_in(
                f"SELECT {columns} FROM articles WHERE feed_id = ? AND guid IN ({{}})",
                guid_list,
                before=(feed_id,),
            )
        }
        by_url = {
            row["canonical_url"]: _known(row)
            for row in await self.db.fetch_in(
                f"SELECT {columns} FROM articles WHERE canonical_url IN ({{}})", url_list
            )
        }
        guid_keys = {guid_key(feed_id, g): g for g in guid_list}
        url_keys = {url_key(u): u for u in url_list}
        rows = await self.db.fetch_in(
            "SELECT key FROM tombstones WHERE key IN ({})", [*guid_keys, *url_keys]
        )
        found = [str(r["key"]) for r in rows]
        return Known(
            by_guid,
            by_url,
            tombstone_by_guid={guid_keys[k]: k for k in found if k in guid_keys},
            tombstone_by_url={url_keys[k]: k for k in found if k in url_keys},
        )

    async def store(
        self,
        feed_id: int,
        new: Sequence[NewArticle],
        updates: Sequence[ArticleUpdate] = (),
        *,
        tombstones_seen: Sequence[str] = (),
    ) -> StoreResult:
        """One transaction for a feed's batch: new articles, revised ones, bookkeeping.

        A revised item whose clean title and text did not change (a tracking pixel,
        a rotating ad) only has its new hash stored. `tombstones_seen` are keys of
        pruned articles the feed still carries; they are kept alive while it does.
        """
        now = self.db.now()
        # Search terms are made before the transaction, off the event loop: keyed by
        # position here, by id once the rows have one.
        texts = [
            (i, a.title, a.summary) for i, a in enumerate([*new, *(u.article for u in updates)])
        ]
        terms = await asyncio.to_thread(article_terms, texts) if texts else []
        async with self.db.transaction() as tx:
            added = await _insert(tx, feed_id, list(new), now, terms[: len(new)]) if new else 0
            updated = await _update(tx, updates, now, terms[len(new) :]) if updates else 0
            if tombstones_seen:
                await tx.executemany(
                    "UPDATE tombstones SET seen_at = ? WHERE key = ?",
                    [(now, k) for k in tombstones_seen],
                )
            if added and tx.dialect.postgres:
                # Bots on any host LISTEN: PostgreSQL delivers this when, and only if, the
                # articles commit, so the planner it wakes can read them.
                await notify_in(tx, added)
        return StoreResult(added, updated)

    async def prune(self, older_than: datetime) -> int:
        """Delete articles published before `older_than` (and their topics); keep their keys."""
        cutoff, now, removed = to_db_time(older_than), self.db.now(), 0
        while True:
            async with self.db.transaction() as tx:
                async with tx.execute(
                    "SELECT id, feed_id, guid, canonical_url FROM articles"
                    " WHERE published_at < ? LIMIT ?",
                    (cutoff, _PRUNE_BATCH),
                ) as cursor:
                    rows = list(await cursor.fetchall())
                if not rows:
                    return removed
                keys = [url_key(r["canonical_url"]) for r in rows] + [
                    guid_key(r["feed_id"], r["guid"]) for r in rows if r["guid"]
                ]
                await tx.executemany(
                    "INSERT INTO tombstones (key, seen_at) VALUES (?, ?)"
                    " ON CONFLICT (key) DO UPDATE SET seen_at = excluded.seen_at",
                    [(k, now) for k in keys],
                )
                await tx.executemany(
                    "DELETE FROM articles WHERE id = ?", [(r["id"],) for r in rows]
                )
                removed += len(rows)

    async def prune_tombstones(self, not_seen_since: datetime) -> int:
        """Forget keys no feed has carried since `not_seen_since`."""
        return await self.db.execute(
            "DELETE FROM tombstones WHERE seen_at < ?", (to_db_time(not_seen_since),)
        )

    async def count(self) -> int:
        row = await self.db.fetchone("SELECT COUNT(*) FROM articles")
        return int(row[0]) if row else 0

    async def count_for_feed(self, feed_id: int) -> int:
        row = await self.db.fetchone("SELECT COUNT(*) FROM articles WHERE feed_id = ?", (feed_id,))
        return int(row[0]) if row else 0


async def _insert(
    tx: Transaction,
    feed_id: int,
    articles: list[NewArticle],
    fetched_at: str,
    terms: Sequence[tuple[int, str, str]],
) -> int:
    """Insert what is not stored yet (an article already known by its guid or canonical
    URL is skipped: the table's two unique keys); returns how many rows were added."""
    lock = tx.dialect.ordered_ids(ARTICLES_IN_ID_ORDER)
    if lock is not None:  # readers go on from the largest article id they saw
        await tx.execute(lock)
    added = await tx.insert_returning(
        "INSERT INTO articles (feed_id, guid, url, canonical_url, title, summary,"
        " text, source, published_at, fetched_at, content_hash, item_updated, lang)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [
            (
                feed_id,
                a.guid,
                a.url,
                a.canonical_url,
                a.title,
                a.summary,
                a.text,
                a.source,
                to_db_time(a.published_at),
                fetched_at,
                a.content_hash,
                to_db_time(a.item_updated) if a.item_updated else None,
                a.lang,
            )
            for a in articles
        ],
        table="articles",
        returning="id, canonical_url",
    )
    ids = {r["canonical_url"]: r["id"] for r in added}
    await tx.executemany(
        "INSERT INTO article_topics (article_id, topic_id, score) VALUES (?, ?, ?)"
        " ON CONFLICT DO NOTHING",
        [
            (ids[a.canonical_url], topic, score)
            for a in articles
            if a.canonical_url in ids
            for topic, score in a.topics.items()
        ],
    )
    await write_terms(
        tx,
        [
            (ids[a.canonical_url], title, summary)
            for a, (_, title, summary) in zip(articles, terms, strict=True)
            if a.canonical_url in ids
        ],
    )
    return len(ids)


async def _update(
    tx: Transaction,
    updates: Sequence[ArticleUpdate],
    now: str,
    terms: Sequence[tuple[int, str, str]],
) -> int:
    """Rewrite revised articles in place; a row whose clean text is unchanged is left alone."""
    await tx.executemany(
        "UPDATE articles SET content_hash = ?, item_updated = COALESCE(?, item_updated)"
        " WHERE id = ?",
        [
            (
                u.article.content_hash,
                to_db_time(u.article.item_updated) if u.article.item_updated else None,
                u.id,
            )
            for u in updates
        ],
    )
    updated = await tx.executemany(
        "UPDATE articles SET title = ?, summary = ?, text = ?, lang = ?, updates = updates + 1,"
        " updated_at = ? WHERE id = ? AND (title != ? OR text != ?)",  # both NOT NULL
        [
            (u.article.title, u.article.summary, u.article.text, u.article.lang, now, u.id,
             u.article.title, u.article.text)
            for u in updates
        ],
    )  # fmt: skip
    if updated:
        await tx.executemany(
            "DELETE FROM article_topics WHERE article_id = ?", [(u.id,) for u in updates]
        )
        await tx.executemany(
            "INSERT INTO article_topics (article_id, topic_id, score) VALUES (?, ?, ?)",
            [(u.id, t, s) for u in updates for t, s in u.article.topics.items()],
        )
        await write_terms(
            tx,
            [(u.id, title, summary) for u, (_, title, summary) in zip(updates, terms, strict=True)],
        )
    return updated


def _known(row: Row) -> KnownArticle:
    return KnownArticle(
        id=row["id"],
        feed_id=row["feed_id"],
        guid=row["guid"],
        canonical_url=row["canonical_url"],
        content_hash=row["content_hash"],
        updates=row["updates"],
        item_updated=from_db_time(row["item_updated"]) if row["item_updated"] else None,
    )
