"""Misbehaving servers are each recorded as that feed's status while the other feeds are stored."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.context import Services
from bot.ingest.fetch import Fetcher, FetchLimits, new_client
from bot.ingest.pipeline import Ingestor
from tests.fakes.feed_server import FeedServer
from tests.ingest.conftest import FAST, fixture, ingest


async def test_every_failure_is_that_feeds_status_and_the_pass_goes_on(
    services: Services, ingestor: Ingestor, feed_server: FeedServer
) -> None:
    good = fixture("rss20-arabic-utf8.xml")
    urls = {
        "ok": feed_server.serve("/good.xml", good),
        "timeout": feed_server.serve("/slow.xml", good, delay=2),
        "trickle": feed_server.serve("/trickle.xml", good, trickle=0.2, chunk=512),
        "http-500": feed_server.serve("/500.xml", "oops", status=500, content_type="text/plain"),
        "http-404": feed_server.url("/missing.xml"),
        "http-410": feed_server.serve("/gone.xml", "gone", status=410, content_type="text/plain"),
        "redirect-loop": feed_server.redirect("/loop-a", "/loop-b"),
        "too-large": feed_server.serve("/huge.xml", "<rss>", endless=50 * 1024 * 1024),
        "not-a-feed": feed_server.serve(
            "/page.html", fixture("html-page.html"), content_type="text/html"
        ),
        "connection-reset": feed_server.serve("/reset.xml", reset=True),
        "reset-mid-body": feed_server.serve("/reset2.xml", good, reset_after_headers=True),
        "ok-too": feed_server.serve("/good2.xml", fixture("missing-guids.xml")),
    }
    feed_server.redirect("/loop-b", "/loop-a")
    reports = await ingest(ingestor, *urls.values())
    statuses = dict(zip(urls, (r.status for r in reports), strict=True))
    assert statuses == {
        "ok": "ok",
        "timeout": "timeout",
        "trickle": "timeout",  # each read is quick, the whole body is not
        "http-500": "http-500",
        "http-404": "http-404",
        "http-410": "http-410",
        "redirect-loop": "redirect-loop",
        "too-large": "too-large",
        "not-a-feed": "not-a-feed",
        "connection-reset": "connection-reset",
        "reset-mid-body": "connection-reset",
        "ok-too": "ok",
    }
    assert reports[0].new == 6 and reports[-1].new == 4
    assert await services.articles.count() == 10
    feeds = {f.url: f for f in await services.feeds.all()}
    for name, url in urls.items():
        feed = feeds[url]
        if name.startswith("ok"):
            assert feed.error_count == 0 and feed.last_error is None
        else:
            assert feed.error_count == 1 and feed.last_status == statuses[name]
            assert feed.last_error


async def test_gone_disables_the_feed(
    services: Services, ingestor: Ingestor, feed_server: FeedServer
) -> None:
    url = feed_server.serve("/gone.xml", "gone", status=410, content_type="text/plain")
    (report,) = await ingest(ingestor, url)
    assert report.status == "http-410" and "disabled" in str(report.error)
    feed = await services.feeds.by_url(url)
    assert feed is not None and not feed.enabled
    assert await services.feeds.due(services.clock() + timedelta(days=365)) == []


async def test_a_permanent_redirect_moves_the_feed_a_temporary_one_does_not(
    services: Services, ingestor: Ingestor, feed_server: FeedServer
) -> None:
    target = feed_server.serve("/new/feed.xml", fixture("rss20-arabic-utf8.xml"))
    moved = feed_server.redirect("/old/feed.xml", "/new/feed.xml", 301)
    temporary = feed_server.redirect("/tmp/feed.xml", "/new/feed.xml", 302)
    reports = await ingest(ingestor, moved, temporary)
    assert [r.status for r in reports] == ["ok", "ok"]
    urls = [f.url for f in await services.feeds.all()]
    assert urls == [target, temporary]


async def test_a_chain_of_redirects_past_the_cap_is_refused(
    ingestor: Ingestor, feed_server: FeedServer
) -> None:
    for n in range(6):
        feed_server.redirect(f"/hop{n}", f"/hop{n + 1}", 302)
    feed_server.serve("/hop6", fixture("rss20-arabic-utf8.xml"))
    (report,) = await ingest(ingestor, feed_server.url("/hop0"))
    assert report.status == "too-many-redirects"


async def test_a_declared_oversized_body_is_refused_before_it_is_read(
    ingestor: Ingestor, feed_server: FeedServer
) -> None:
    url = feed_server.serve("/big.xml", b"<rss>" + b" " * (FAST.max_bytes + 1))
    (report,) = await ingest(ingestor, url)
    assert report.status == "too-large"


async def test_compressed_bodies_are_accepted(
    services: Services, ingestor: Ingestor, feed_server: FeedServer
) -> None:
    body = fixture("rss20-arabic-utf8.xml")
    gz = feed_server.serve("/gz.xml", body, encoding="gzip")
    br = feed_server.serve("/br.xml", fixture("missing-guids.xml"), encoding="br")
    reports = await ingest(ingestor, gz, br)
    assert [(r.status, r.new) for r in reports] == [("ok", 6), ("ok", 4)]
    assert "br" in feed_server.hits("/gz.xml")[0]["Accept-Encoding"]
    assert feed_server.hits("/gz.xml")[0]["User-Agent"].startswith("Mujaz/")


async def test_failures_back_off_exponentially_and_the_feed_recovers_by_itself(
    services: Services, ingestor: Ingestor, feed_server: FeedServer
) -> None:
    url = feed_server.serve("/flaky.xml", "down", status=503, content_type="text/plain")
    feed, _ = await services.feeds.add(url)
    interval = ingestor.timing.interval
    waits = []
    for _ in range(4):
        current = await services.feeds.get(feed.id)
        assert current is not None
        before = services.clock()
        await ingestor.run([current])
        after = await services.feeds.get(feed.id)
        assert after is not None and after.next_check_at is not None
        waits.append(round((after.next_check_at - before) / interval))
    assert waits == [1, 2, 4, 8]
    feed_server.serve("/flaky.xml", fixture("rss20-arabic-utf8.xml"))
    current = await services.feeds.get(feed.id)
    assert current is not None
    (report,) = await ingestor.run([current])
    recovered = await services.feeds.get(feed.id)
    assert report.status == "ok" and recovered is not None
    assert recovered.error_count == 0 and recovered.last_error is None and recovered.enabled
    assert recovered.next_check_at is not None
    assert round((recovered.next_check_at - services.clock()) / interval) == 1


async def test_backoff_stops_at_the_ceiling(services: Services, ingestor: Ingestor) -> None:
    now = services.clock()
    timing = ingestor.timing
    assert timing.after_failure(now, 30) - now == timing.backoff_ceiling


async def test_one_request_at_a_time_per_host_within_a_global_cap(
    feed_server: FeedServer,
) -> None:
    in_flight = {"now": 0, "max": 0}
    original = feed_server._send

    async def counting(route, request):  # type: ignore[no-untyped-def]
        in_flight["now"] += 1
        in_flight["max"] = max(in_flight["max"], in_flight["now"])
        try:
            await asyncio.sleep(0.02)
            return await original(route, request)
        finally:
            in_flight["now"] -= 1

    feed_server._send = counting  # type: ignore[method-assign]
    for n in range(6):
        feed_server.serve(f"/f{n}.xml", "<rss version='2.0'><channel/></rss>")
    async with new_client(FAST, allow_private=True) as client:
        fetcher = Fetcher(client, FetchLimits(concurrency=4))
        same_host = [fetcher.fetch(feed_server.url(f"/f{n}.xml")) for n in range(6)]
        results = await asyncio.gather(*same_host)
        assert {r.status for r in results} == {"ok"}
        assert in_flight["max"] == 1
        # Two spellings of the loopback host are two hosts: they may overlap.
        in_flight["max"] = 0
        other = feed_server.base.replace("127.0.0.1", "localhost")
        both = [fetcher.fetch(feed_server.url("/f0.xml")), fetcher.fetch(f"{other}/f1.xml")]
        await asyncio.gather(*both)
        assert in_flight["max"] == 2
        assert fetcher._hosts == {}  # no host is remembered once its requests are done
