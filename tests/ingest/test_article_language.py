"""Ingestion detects each item's language and stores it; a revision may change it."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.context import Services
from bot.ingest.pipeline import Ingestor
from tests.fakes.feed_server import FeedServer
from tests.feeds import rss
from tests.ingest.conftest import ingest, rows
from tests.language_items import ARABIC, ENGLISH, GERMAN, item, items


async def test_each_article_is_stored_with_its_language(
    services: Services, ingestor: Ingestor, feed_server: FeedServer
) -> None:
    entries = items(ARABIC + ENGLISH[:1] + GERMAN[:1])
    entries.append(item("2026", "", guid="numbers", link="https://news.example.de/n"))
    (report,) = await ingest(ingestor, feed_server.serve("/mixed.xml", rss(entries)))
    assert report.new == 4
    stored = await rows(services, "SELECT guid, lang FROM articles ORDER BY id")
    assert [r["lang"] for r in stored] == ["ar", "en", "de", "und"]
    # The story reads carry it (whichever story the English item was filed under).
    read = await services.stories.filed_since(datetime(2000, 1, 1, tzinfo=UTC))
    assert {a.lang for a in read} == {"ar", "en", "de", "und"}


async def test_a_revision_in_another_language_changes_it(
    services: Services, ingestor: Ingestor, feed_server: FeedServer
) -> None:
    first = items(ENGLISH[:1])
    url = feed_server.serve("/r.xml", rss(first))
    await ingest(ingestor, url)
    revised = [{**first[0], "title": ARABIC[0][0], "description": f"<p>{ARABIC[0][1]}</p>"}]
    feed_server.serve("/r.xml", rss(revised))
    (report,) = await ingest(ingestor, url)
    assert report.updated == 1
    assert [r["lang"] for r in await rows(services, "SELECT lang FROM articles")] == ["ar"]
