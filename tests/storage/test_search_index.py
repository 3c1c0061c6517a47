"""The search index keeps in step with the articles: built for old rows, emptied by deletes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.core.normalize import normalize
from bot.core.search import Query, parse_query, word_forms
from bot.models import NewArticle
from storage.articles import ArticleRepository, ArticleUpdate
from storage.backend import Backend
from storage.db import Database, to_db_time
from storage.feeds import FeedRepository
from storage.search import SearchIndex
from tests.backends import TestDatabase

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def query(text: str) -> Query:
    parsed = parse_query(text)
    assert isinstance(parsed, Query)
    return parsed


async def insert_articles(db: Backend, count: int) -> None:
    await db.execute(
        "INSERT INTO feeds (id, url, created_at) VALUES (1, 'https://e.example/rss', 'x')"
    )
    async with db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO articles (feed_id, guid, url, canonical_url, title, summary, text, source,"
            " published_at, fetched_at) VALUES (1, ?, ?, ?, ?, ?, '', 'e', ?, ?)",
            [
                (
                    f"g{n}",
                    f"https://e.example/{n}",
                    f"https://e.example/{n}",
                    f"خبر رقم {n} من أذربيجان" if n % 2 else f"خبر رقم {n} من تركيا",
                    "ملخص قصير.",
                    to_db_time(NOW - timedelta(hours=count - n)),  # ids grow with time
                    to_db_time(NOW),
                )
                for n in range(count)
            ],
        )


async def test_articles_stored_before_the_index_existed_are_indexed_at_start(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    old = await Database.open(path, migrate_to=9)  # before the search index
    await insert_articles(old, 1200)
    await old.close()

    db = await Database.open(path)
    try:
        index = SearchIndex(db)
        assert await index.catch_up() == 1200
        assert await index.catch_up() == 0  # nothing twice
        since = NOW - timedelta(days=30)
        found = await index.find(query("الأذربيجانية"), since)
        assert len(found) >= 150  # the newest matches, each list's worth
        assert all("أذربيجان" in hit.title and hit.published_at >= since for hit in found)
    finally:
        await db.close()


async def test_removing_a_feed_removes_its_articles_from_the_index(
    database: TestDatabase,
) -> None:
    db = await database.open()
    try:
        await insert_articles(db, 10)
        index = SearchIndex(db)
        await index.catch_up()
        assert await index.count() == 10
        await FeedRepository(db).remove(1)
        assert await index.count() == 0
        assert await index.find(query("أذربيجان"), NOW - timedelta(days=30)) == []
    finally:
        await db.close()


def new_article(n: int, title: str) -> NewArticle:
    return NewArticle(
        url=f"https://e.example/{n}",
        canonical_url=f"https://e.example/{n}",
        title=title,
        summary="ملخص قصير.",
        text="",
        source="e",
        published_at=NOW - timedelta(hours=1),
        guid=f"g{n}",
    )


async def test_a_batch_of_new_and_revised_articles_indexes_each_by_its_own_words(
    database: TestDatabase,
) -> None:
    db = await database.open()
    try:
        await db.execute("INSERT INTO feeds (url, created_at) VALUES ('https://e/', 'x')")
        articles, index = ArticleRepository(db), SearchIndex(db)
        await articles.store(1, [new_article(1, "قمة في باكو")])
        revised = ArticleUpdate(1, new_article(1, "قمة في تبليسي"))
        await articles.store(1, [new_article(2, "انتخابات في يريفان")], [revised])
        since = NOW - timedelta(days=30)
        assert [h.title for h in await index.find(query("تبليسي"), since)] == ["قمة في تبليسي"]
        assert await index.find(query("باكو"), since) == []
        assert [h.title for h in await index.find(query("يريفان"), since)] == ["انتخابات في يريفان"]
    finally:
        await db.close()


async def test_no_character_a_reader_can_type_breaks_the_index_query(
    database: TestDatabase,
) -> None:
    """Every code point, inside words, as a query's terms against the migrated index (the
    limits of a query's length are left aside: they are not what keeps it valid)."""
    db = await database.open()
    try:
        await insert_articles(db, 1)
        await SearchIndex(db).catch_up()
        points = [cp for cp in range(0x21, 0x30000) if not 0xD800 <= cp < 0xE000]
        for start in range(0, len(points), 200):
            text = " ".join("ب" + chr(cp) + "ب" for cp in points[start : start + 200])
            words = tuple(word_forms(w) for w in normalize(text).split())
            await SearchIndex(db).find(Query(text, words), NOW - timedelta(days=30))
    finally:
        await db.close()
