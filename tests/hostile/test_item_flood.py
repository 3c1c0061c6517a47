"""One feed cannot flood the database: at most MAX_NEW_PER_PASS new items a pass, the
newest first (the feed's order), the rest on later passes; each stored text is capped."""

from __future__ import annotations

from bot.context import Services
from bot.ingest.decide import MAX_NEW_PER_PASS, Known, decide
from bot.ingest.parse import Entry
from bot.ingest.pipeline import Ingestor
from bot.ingest.process import MAX_TEXT_CHARS
from bot.models import Feed
from tests.fakes.feed_server import FeedServer
from tests.feeds import rss
from tests.ingest.conftest import ingest


def entries(count: int) -> list[Entry]:
    return [
        Entry(f"g{n}", f"https://example.org/{n}", f"خبر {n}", "<p>نص</p>", None)
        for n in range(count)
    ]


def test_a_plan_takes_the_first_items_up_to_the_cap_and_counts_the_rest() -> None:
    plan = decide(Feed(1, "https://example.org/rss"), entries(30_000), Known())
    assert [e.guid for e in plan.fresh] == [f"g{n}" for n in range(MAX_NEW_PER_PASS)]
    assert plan.deferred == 30_000 - MAX_NEW_PER_PASS


def test_a_plan_under_the_cap_defers_nothing() -> None:
    plan = decide(Feed(1, "https://example.org/rss"), entries(MAX_NEW_PER_PASS), Known())
    assert (len(plan.fresh), plan.deferred) == (MAX_NEW_PER_PASS, 0)


async def test_a_huge_feed_is_stored_a_capped_batch_per_pass(
    services: Services, ingestor: Ingestor, feed_server: FeedServer
) -> None:
    items = [
        {
            "title": f"خبر رقم {n}",
            "link": f"https://example.org/flood/{n}",
            "guid": f"flood-{n}",
            "description": "<p>" + "كلمة " * (n % 7 + 1) + "</p>",
        }
        for n in range(2 * MAX_NEW_PER_PASS + 50)
    ]
    url = feed_server.serve("/flood.xml", rss(items), headers={"ETag": '"same"'})
    (first,) = await ingest(ingestor, url)
    assert first.new == MAX_NEW_PER_PASS
    (feed,) = await services.feeds.all()
    assert feed.etag is None and feed.body_hash is None  # the next pass reads it all again
    assert (await ingestor.run([feed]))[0].new == MAX_NEW_PER_PASS
    (feed,) = await services.feeds.all()
    assert (await ingestor.run([feed]))[0].new == 50
    (feed,) = await services.feeds.all()
    assert feed.etag == '"same"'  # everything stored: validators are kept again
    assert await services.articles.count() == 2 * MAX_NEW_PER_PASS + 50


async def test_a_huge_item_is_stored_capped(
    services: Services, ingestor: Ingestor, feed_server: FeedServer
) -> None:
    body = "<p>" + "جملة طويلة عن الاقتصاد. " * 4_000 + "</p>"
    url = feed_server.serve(
        "/huge-item.xml",
        rss([{"title": "خبر", "link": "https://example.org/h", "guid": "h", "description": body}]),
    )
    (report,) = await ingest(ingestor, url)
    assert report.new == 1
    (text,) = (await services.stories.texts([1])).values()
    assert 0 < len(text) <= MAX_TEXT_CHARS
