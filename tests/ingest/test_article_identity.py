"""One article per story: canonical URLs, guids, syndication, revisions and tombstones."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.context import Services
from bot.core.urls import canonical_url, same_site, site_of
from bot.ingest.decide import UPDATE_LIMIT
from bot.ingest.pipeline import Ingestor
from tests.fakes.feed_server import FeedServer
from tests.feeds import rss
from tests.ingest.conftest import fixture, ingest, rows

REV = "https://news.example.sa/ar/rev"


@pytest.mark.parametrize(
    ("given", "canonical"),
    [
        ("HTTPS://News.Example.SA:443/ar/1?utm_source=rss&utm_medium=x#top", "https://news.example.sa/ar/1"),
        ("http://example.org:80/a?id=7&fbclid=abc&gclid=1", "http://example.org/a?id=7"),
        ("https://example.org:8443/A/B?x=1&mc_eid=2", "https://example.org:8443/A/B?x=1"),
        ("https://example.org", "https://example.org/"),
        ("https://example.org./p?utm_campaign=a&msclkid=b&q=%D8%B9", "https://example.org/p?q=%D8%B9"),
    ],
)  # fmt: skip
def test_canonical_url(given: str, canonical: str) -> None:
    assert canonical_url(given) == canonical


def test_same_site() -> None:
    assert site_of("https://www.aljazeera.net/news") == "aljazeera.net"
    assert site_of("https://news.bbc.co.uk/x") == "bbc.co.uk"
    assert same_site("https://feeds.alarabiya.net/rss", "https://www.alarabiya.net/a/1")
    assert not same_site("https://evil.example/a", "https://news.example.sa/feed")


async def test_tracking_spellings_are_one_article(
    services: Services, ingestor: Ingestor, feed_server: FeedServer
) -> None:
    (report,) = await ingest(ingestor, feed_server.serve("/t.xml", fixture("tracking-links.xml")))
    assert report.new == 3
    urls = {
        str(r["canonical_url"]) for r in await rows(services, "SELECT canonical_url FROM articles")
    }
    assert urls == {
        "https://news.example.sa/ar/t1",
        "https://news.example.sa/ar/t2?id=7",
        "https://news.example.sa/ar/t3",
    }


async def test_duplicates_within_one_feed_are_stored_once(
    services: Services, ingestor: Ingestor, feed_server: FeedServer
) -> None:
    (report,) = await ingest(ingestor, feed_server.serve("/d.xml", fixture("duplicate-items.xml")))
    assert (report.entries, report.new) == (4, 2)
    assert await services.articles.count() == 2


async def test_items_without_guid_are_known_by_their_link(
    services: Services, ingestor: Ingestor, feed_server: FeedServer
) -> None:
    url = feed_server.serve("/n.xml", fixture("missing-guids.xml"))
    (first,) = await ingest(ingestor, url)
    await services.db.execute("UPDATE feeds SET body_hash = NULL")  # force a parse
    (second,) = await ingest(ingestor, url)
    assert (first.new, second.status, second.new) == (4, "ok", 0)


async def test_a_story_syndicated_by_two_feeds_of_a_publisher_is_stored_once(
    services: Services, ingestor: Ingestor, feed_server: FeedServer
) -> None:
    politics = feed_server.serve("/politics.xml", fixture("syndicated-politics.xml"))
    latest = feed_server.serve("/latest.xml", fixture("syndicated-latest.xml"))
    reports = [*await ingest(ingestor, politics), *await ingest(ingestor, latest)]
    assert [(r.entries, r.new) for r in reports] == [(3, 3), (4, 2)]  # s2, s3 already stored
    assert await services.articles.count() == 5
    # The second feed never rewrites the first feed's articles.
    (again,) = await ingest(ingestor, latest)
    assert (again.new, again.updated) == (0, 0)


async def test_a_revised_item_updates_in_place_and_is_not_new_again(
    services: Services, ingestor: Ingestor, feed_server: FeedServer
) -> None:
    url = feed_server.serve("/r.xml", fixture("revised-v1.xml"))
    await ingest(ingestor, url)
    (before,) = await rows(services, "SELECT id, title FROM articles WHERE url = ?", REV)
    watermark = await services.stories.newest_article()
    feed_server.serve("/r.xml", fixture("revised-v2.xml"))
    (report,) = await ingest(ingestor, url)
    assert (report.new, report.updated) == (0, 1)
    (after,) = await rows(
        services, "SELECT id, title, text, updates FROM articles WHERE url = ?", REV
    )
    assert after["id"] == before["id"] and await services.stories.newest_article() == watermark
    assert str(after["title"]).endswith("(محدث)") and after["updates"] == 1
    assert "مؤتمر صحفي مشترك" in str(after["text"])


async def test_an_item_that_changes_on_every_fetch_stops_being_rewritten(
    services: Services, ingestor: Ingestor, feed_server: FeedServer
) -> None:
    url = feed_server.url("/churn.xml")
    feed, _ = await services.feeds.add(url)
    writes = []
    for n in range(UPDATE_LIMIT + 3):
        item = {
            "title": "سعر الذهب الآن",
            "link": "https://news.example.sa/gold",
            "guid": "gold",
            "description": f"<p>سعر الذهب في السوق المحلية يسجل {1000 + n} دولار للأونصة الآن.</p>",
        }
        feed_server.serve("/churn.xml", rss([item]))
        current = await services.feeds.get(feed.id)
        assert current is not None
        (report,) = await ingestor.run([current])
        writes.append(report.updated)
    assert writes == [0] + [1] * UPDATE_LIMIT + [0, 0]
    (article,) = await rows(services, "SELECT text FROM articles")
    assert f"{1000 + UPDATE_LIMIT}" in str(article["text"])


async def test_pruned_articles_leave_tombstones_and_do_not_come_back(
    services: Services, ingestor: Ingestor, feed_server: FeedServer
) -> None:
    url = feed_server.serve("/old.xml", fixture("rss20-arabic-utf8.xml"))
    await ingest(ingestor, url)
    topics_before = await rows(services, "SELECT COUNT(*) AS n FROM article_topics")
    assert topics_before[0]["n"]
    # Everything in the fixture is from October 2026; keep only what is newer than that.
    removed, _ = await ingestor.prune(_cutoff(services))
    assert removed == 6
    assert await services.articles.count() == 0
    assert (await rows(services, "SELECT COUNT(*) AS n FROM article_topics"))[0]["n"] == 0
    await services.db.execute("UPDATE feeds SET body_hash = NULL, etag = NULL")
    (report,) = await ingest(ingestor, url)
    assert (report.status, report.entries, report.new) == ("ok", 6, 0)
    # Tombstones still carried by a feed are kept; forgotten ones go after a while.
    _, forgotten = await ingestor.prune(timedelta(days=1))
    assert forgotten == 0
    assert (await rows(services, "SELECT COUNT(*) AS n FROM tombstones"))[0]["n"] == 12


def _cutoff(services: Services) -> timedelta:
    """A retention that makes 1 November 2026 the cut-off."""
    from datetime import UTC, datetime

    return services.clock() - datetime(2026, 11, 1, tzinfo=UTC)
