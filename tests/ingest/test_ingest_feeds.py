"""One ingestion pass through a real loopback HTTP server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.context import Services
from tests.fakes.feed_server import FeedServer
from tests.feeds import SEED_URL, rss, seed_item, sports_item
from tests.paths import SHARED_FEEDS


@pytest.fixture
async def services(tmp_path: Path) -> AsyncIterator[Services]:
    services = await Services.create(
        load_settings(database_path=tmp_path / "t.db", allow_private_feeds=True)
    )
    try:
        yield services
    finally:
        await services.close()


async def ingest(services: Services, *urls: str):  # type: ignore[no-untyped-def]
    feeds = [(await services.feeds.add(u))[0] for u in urls]
    return await services.ingestor.run(feeds)


async def test_seed_article_is_stored_clean_with_its_topics(
    services: Services, feed_server: FeedServer
) -> None:
    url = feed_server.serve("/news.xml", rss([seed_item(), sports_item()]))
    (report,) = await ingest(services, url)
    assert (report.status, report.entries, report.new) == ("ok", 2, 2)

    since = datetime(2024, 1, 1, tzinfo=UTC)
    (seed,) = await services.stories.fresh(["south_caucasus"], newer_than=0, since=since)
    assert seed.url == SEED_URL
    assert {"south_caucasus", "russia"} <= set(seed.topics)
    assert seed.summary.startswith("اختتم الرئيس الروسي فلاديمير بوتين زيارة استمرت يومين")
    assert seed.source == "مصدر تجريبي"
    assert seed.published_at == datetime(2024, 8, 20, 10, tzinfo=UTC)
    (sport,) = await services.stories.fresh(["sports"], newer_than=0, since=since)
    assert "south_caucasus" not in sport.topics


async def test_known_articles_are_skipped(services: Services, feed_server: FeedServer) -> None:
    url = feed_server.serve("/news.xml", rss([seed_item()]))
    await ingest(services, url)
    # Same story again, once under its guid and once under a tracking-tagged URL with a new guid.
    feed_server.serve(
        "/news.xml", rss([seed_item(), seed_item(link=SEED_URL + "?utm_source=x", guid="other")])
    )
    (report,) = await ingest(services, url)
    assert (report.entries, report.new) == (2, 0)
    assert await services.articles.count() == 1


async def test_conditional_get_skips_an_unchanged_feed(
    services: Services, feed_server: FeedServer
) -> None:
    url = feed_server.serve("/news.xml", rss([seed_item()]), headers={"ETag": '"v1"'})
    assert (await ingest(services, url))[0].status == "ok"
    (second,) = await ingest(services, url)
    assert second.status == "not-modified"
    assert feed_server.requests[-1][1].get("If-None-Match") == '"v1"'


async def test_failing_feeds_are_recorded_and_do_not_stop_the_pass(
    services: Services, feed_server: FeedServer
) -> None:
    good = feed_server.serve("/good.xml", rss([seed_item()]))
    page = feed_server.serve(
        "/page", "<html><body><p>Not a feed</p></body></html>", content_type="text/html"
    )
    gone = feed_server.url("/missing.xml")
    broken = feed_server.serve("/500", "oops", status=500, content_type="text/plain")
    reports = await ingest(services, page, gone, good, broken)
    assert [r.status for r in reports] == ["not-a-feed", "http-404", "ok", "http-500"]
    assert reports[2].new == 1
    feeds = {f.url: f for f in await services.feeds.all()}
    assert feeds[gone].last_status == "http-404" and feeds[gone].error_count == 1
    assert feeds[good].last_error is None and feeds[good].last_success_at is not None


@pytest.mark.parametrize(
    ("name", "entries", "expected_text"),
    [
        ("bbc-urdu_rtl.xml", 26, None),
        ("jn-pt_iso-8859-1.rss", 40, "ã"),
        ("ibash-windows-1251.xml", 50, None),
        ("heise-rss090-rdf.xml", 60, None),
        ("fcutrecht-bogus-pi.rss", 20, None),
    ],
)
async def test_real_world_feeds(
    services: Services, feed_server: FeedServer, name: str, entries: int, expected_text: str | None
) -> None:
    body = (SHARED_FEEDS / name).read_bytes()
    url = feed_server.serve(f"/{name}", body, content_type="application/xml")
    (report,) = await ingest(services, url)
    assert report.status == "ok"
    assert report.entries == entries
    assert report.new > 0
    if expected_text:
        rows = await services.db.fetchall("SELECT title || summary AS t FROM articles")
        assert any(expected_text in r["t"] for r in rows)
        assert not any("Ã" in r["t"] for r in rows)  # no mojibake


async def test_relative_links_resolve_against_the_feed(
    services: Services, feed_server: FeedServer
) -> None:
    body = (SHARED_FEEDS / "samruby-xhtml.atom.xml").read_bytes()
    url = feed_server.serve("/blog/index.atom", body, content_type="application/atom+xml")
    (report,) = await ingest(services, url)
    assert report.status == "ok" and report.new > 0
    rows = await services.db.fetchall("SELECT url FROM articles")
    assert all(r["url"].startswith(("http://", "https://")) for r in rows)


async def test_undated_entries_get_the_time_they_were_seen(
    services: Services, feed_server: FeedServer
) -> None:
    item = seed_item()
    del item["pubDate"]
    url = feed_server.serve("/nodate.xml", rss([item]))
    await ingest(services, url)
    row = await services.db.fetchone("SELECT published_at FROM articles")
    assert row is not None
    published = datetime.strptime(row[0], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert datetime.now(UTC) - published < timedelta(minutes=5)
