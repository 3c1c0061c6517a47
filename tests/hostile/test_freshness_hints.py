"""A server's freshness hints are numbers it chose: absurd ones push the next check no
further than the usual cap, and never raise."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.context import Services
from bot.ingest.pipeline import Ingestor
from tests.fakes.feed_server import FeedServer
from tests.feeds import rss, sports_item
from tests.ingest.conftest import ingest

HUGE = "9" * 40


@pytest.mark.parametrize(
    ("headers", "channel_extra"),
    [
        ({"Cache-Control": f"max-age={HUGE}"}, ""),
        ({"Cache-Control": f"s-maxage={HUGE}, max-age=60"}, ""),
        ({}, f"<ttl>{HUGE}</ttl>"),
        ({}, "<sy:updatePeriod>yearly</sy:updatePeriod><sy:updateFrequency>0</sy:updateFrequency>"),
    ],
)
async def test_a_huge_freshness_hint_waits_at_most_the_cap(
    services: Services,
    ingestor: Ingestor,
    feed_server: FeedServer,
    headers: dict[str, str],
    channel_extra: str,
) -> None:
    document = rss([sports_item()]).replace(
        '<rss version="2.0"><channel>',
        '<rss version="2.0" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">'
        f"<channel>{channel_extra}",
    )
    url = feed_server.serve("/hint.xml", document, headers=headers)
    start = services.clock()
    (report,) = await ingest(ingestor, url)
    assert (report.status, report.new) == ("ok", 1)
    (feed,) = await services.feeds.all()
    assert feed.next_check_at is not None
    wait = feed.next_check_at - start
    cap = ingestor.timing.max_hint
    assert cap - timedelta(seconds=5) <= wait <= cap + ingestor.timing.interval
