"""Unchanged feeds cost a conditional request and no parse; each feed's next check is its own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.context import Services
from bot.ingest import pipeline
from bot.ingest.fetch import parse_retry_after
from bot.ingest.pipeline import Ingestor
from bot.ingest.timing import Timing, cache_hint, ttl_hint
from tests.fakes.feed_server import FeedServer, http_date
from tests.ingest.conftest import fixture, ingest

NAMES = ("rss20-arabic-utf8.xml", "atom10-xhtml.atom", "rss10.rdf", "missing-guids.xml")


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The URLs the pipeline hands to the parser, in order."""
    seen: list[str] = []
    real = pipeline.parse

    async def counting(body: bytes, *, url: str, **options: Any):  # type: ignore[no-untyped-def]
        seen.append(url)
        return await real(body, url=url, **options)

    monkeypatch.setattr(pipeline, "parse", counting)
    return seen


async def test_second_pass_over_unchanged_feeds_is_conditional_and_parses_nothing(
    services: Services, ingestor: Ingestor, feed_server: FeedServer, parses: list[str]
) -> None:
    modified = http_date(datetime(2026, 10, 25, 8, tzinfo=UTC))
    urls = [
        feed_server.serve("/a.xml", fixture(NAMES[0]), etag='"a1"'),
        feed_server.serve("/b.atom", fixture(NAMES[1]), last_modified=modified),
        feed_server.serve("/c.rdf", fixture(NAMES[2]), etag='W/"c1"', last_modified=modified),
        # No validators at all: the same bytes again are still not parsed twice.
        feed_server.serve("/d.xml", fixture(NAMES[3])),
    ]
    first = await ingest(ingestor, *urls)
    assert [r.status for r in first] == ["ok"] * 4 and len(parses) == 4
    stored = await services.articles.count()

    second = await ingest(ingestor, *urls)
    assert [r.status for r in second] == ["not-modified"] * 4
    assert len(parses) == 4  # nothing parsed on the second pass
    assert await services.articles.count() == stored
    assert feed_server.hits("/a.xml")[-1]["If-None-Match"] == '"a1"'
    assert feed_server.hits("/b.atom")[-1]["If-Modified-Since"] == modified
    assert feed_server.hits("/c.rdf")[-1]["If-None-Match"] == 'W/"c1"'
    assert "If-None-Match" not in feed_server.hits("/d.xml")[-1]


async def test_new_validators_are_stored_even_when_the_body_did_not_change(
    services: Services, ingestor: Ingestor, feed_server: FeedServer
) -> None:
    url = feed_server.serve("/a.xml", fixture(NAMES[0]), etag='"v1"')
    await ingest(ingestor, url)
    # The server rotates its ETag and answers 304 with the new one.
    feed_server.routes["/a.xml"].headers["ETag"] = '"v2"'
    (report,) = await ingest(ingestor, url)
    assert report.status == "not-modified"
    feed = await services.feeds.by_url(url)
    assert feed is not None and feed.etag == '"v2"'
    # Now it sends the same bytes with a third ETag and no 304: no parse, the ETag is kept.
    feed_server.serve("/a.xml", fixture(NAMES[0]), headers={"ETag": '"v3"'})
    feed_server.routes["/a.xml"].etag = None
    feed_server.routes["/a.xml"].headers = {"ETag": '"v3"', "X-Vary": "1"}
    feed_server.routes["/a.xml"].body = fixture(NAMES[0])
    await services.db.execute("UPDATE feeds SET etag = '\"stale\"'")
    (report,) = await ingest(ingestor, url)
    feed = await services.feeds.by_url(url)
    assert report.status == "not-modified" and feed is not None and feed.etag == '"v3"'


async def test_only_a_feed_level_change_stores_nothing(
    services: Services, ingestor: Ingestor, feed_server: FeedServer
) -> None:
    url = feed_server.serve("/r.xml", fixture("revised-v2.xml"))
    await ingest(ingestor, url)
    before = await services.db.fetchall("SELECT id, title, text, updates FROM articles")
    feed_server.serve("/r.xml", fixture("revised-v2-rebuilt.xml"))  # only lastBuildDate moved
    (report,) = await ingest(ingestor, url)
    assert (report.status, report.new, report.updated) == ("ok", 0, 0)
    after = await services.db.fetchall("SELECT id, title, text, updates FROM articles")
    assert [tuple(r) for r in after] == [tuple(r) for r in before]


async def test_next_check_follows_the_interval_and_the_servers_hints(
    services: Services, ingestor: Ingestor, feed_server: FeedServer
) -> None:
    plain = feed_server.serve("/plain.xml", fixture(NAMES[0]))
    cached = feed_server.serve(
        "/cached.xml", fixture(NAMES[3]), headers={"Cache-Control": "public, max-age=3600"}
    )
    ttl = feed_server.serve("/ttl.xml", fixture("ttl-hint.xml"))
    greedy = feed_server.serve(
        "/greedy.xml", fixture(NAMES[2]), headers={"Cache-Control": "max-age=604800"}
    )
    limited = feed_server.serve(
        "/limited.xml",
        "busy",
        status=429,
        content_type="text/plain",
        headers={"Retry-After": "7200"},
    )
    start = services.clock()
    await ingest(ingestor, plain, cached, ttl, greedy, limited)
    waits = {
        f.url: (f.next_check_at - start) if f.next_check_at else None
        for f in await services.feeds.all()
    }
    interval, cap = ingestor.timing.interval, ingestor.timing.max_hint
    assert _near(waits[plain], interval)
    assert _near(waits[cached], timedelta(hours=1))
    assert _near(waits[ttl], timedelta(hours=2))  # <ttl>120</ttl>
    assert _near(waits[greedy], cap)  # a week is asked; three hours is the most we wait
    assert _near(waits[limited], timedelta(hours=2))


async def test_due_lists_only_feeds_whose_time_has_come(
    services: Services, ingestor: Ingestor, feed_server: FeedServer
) -> None:
    early = feed_server.serve("/early.xml", fixture(NAMES[0]))
    late = feed_server.serve(
        "/late.xml", fixture(NAMES[3]), headers={"Cache-Control": "max-age=7200"}
    )
    fresh, _ = await services.feeds.add(feed_server.url("/never-checked.xml"))
    await ingest(ingestor, early, late)
    now = services.clock()
    assert [f.url for f in await services.feeds.due(now)] == [fresh.url]
    in_20_min = [f.url for f in await services.feeds.due(now + timedelta(minutes=20))]
    assert in_20_min == [fresh.url, early]
    assert len(await services.feeds.due(now + timedelta(hours=3))) == 3
    # run_due is the scheduler's tick: it fetches only what is due.
    feed_server.requests.clear()
    reports = await ingestor.run_due()
    assert [r.url for r in reports] == [fresh.url]
    assert [path for path, _ in feed_server.requests] == ["/never-checked.xml"]


def test_retry_after_reads_seconds_and_dates() -> None:
    now = datetime(2026, 10, 25, 8, tzinfo=UTC)
    assert parse_retry_after("120") == 120
    later = http_date(now + timedelta(minutes=5))
    assert parse_retry_after(later, now=now.timestamp()) == 300
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_cache_hints_and_ttl() -> None:
    now = datetime(2026, 10, 25, 8, tzinfo=UTC)
    assert cache_hint({"cache-control": "max-age=600, s-maxage=900"}, now) == timedelta(minutes=15)
    assert cache_hint({"cache-control": "no-cache, max-age=600"}, now) is None
    expires = {"expires": http_date(now + timedelta(hours=1)), "date": http_date(now)}
    assert cache_hint(expires, now) == timedelta(hours=1)
    assert cache_hint({"expires": "0"}, now) is None
    assert ttl_hint("90") == timedelta(minutes=90)
    assert ttl_hint(None, "hourly", "2") == timedelta(minutes=30)
    timing = Timing(jitter=0)
    assert timing.after_success(now, [timedelta(minutes=1)]) - now == timing.interval


def _near(wait: timedelta | None, expected: timedelta) -> bool:
    return wait is not None and abs(wait - expected) < timedelta(seconds=30)
