"""An item's date is what it claims only when it is plausible: nothing before 1990, nothing
more than an hour ahead. Anything else is counted as the moment it was seen, so one absurd
date can neither vanish an item nor break reading the stored ones back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.context import Services
from bot.core.topics import Catalog, Classifier
from bot.ingest.dates import arabic_date
from bot.ingest.parse import Entry
from bot.ingest.pipeline import Ingestor
from bot.ingest.process import to_article
from storage.db import from_db_time, to_db_time
from tests.fakes.feed_server import FeedServer
from tests.feeds import rss, sports_item
from tests.ingest.conftest import ingest
from tests.paths import TEMPLATES

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
CLASSIFIER = Classifier(Catalog.load(TEMPLATES / "topics.toml"))


def entry(published: datetime | None, updated: datetime | None = None) -> Entry:
    return Entry("g", "https://example.org/a", "عنوان", "<p>نص الخبر</p>", published, updated)


@pytest.mark.parametrize(
    ("claimed", "stored"),
    [
        (datetime(1, 1, 1, tzinfo=UTC), NOW),
        (datetime(999, 12, 31, tzinfo=UTC), NOW),
        (datetime(1989, 12, 31, 23, 59, tzinfo=UTC), NOW),
        (datetime(1990, 1, 1, tzinfo=UTC), datetime(1990, 1, 1, tzinfo=UTC)),
        (NOW - timedelta(hours=5), NOW - timedelta(hours=5)),
        (NOW + timedelta(minutes=50), NOW + timedelta(minutes=50)),
        (NOW + timedelta(hours=2), NOW),
        (datetime(9999, 12, 31, tzinfo=UTC), NOW),
        (None, NOW),
    ],
)
def test_an_implausible_item_date_counts_as_now(claimed: datetime | None, stored: datetime) -> None:
    article = to_article(entry(claimed), source="s", classifier=CLASSIFIER, now=NOW)
    assert article is not None
    assert article.published_at == stored


def test_an_implausible_updated_date_is_dropped() -> None:
    article = to_article(
        entry(NOW, updated=datetime(5, 1, 1, tzinfo=UTC)),
        source="s",
        classifier=CLASSIFIER,
        now=NOW,
    )
    assert article is not None
    assert article.item_updated is None


@pytest.mark.parametrize("year", [1, 999, 1990, 9999])
def test_any_stored_time_reads_back(year: int) -> None:
    moment = datetime(year, 3, 4, 5, 6, 7, tzinfo=UTC)
    assert from_db_time(to_db_time(moment)) == moment


async def test_an_item_dated_year_one_leaves_the_other_items_readable(
    services: Services, ingestor: Ingestor, feed_server: FeedServer
) -> None:
    ancient = {**sports_item(), "guid": "old", "link": "https://example.org/sports/0"}
    ancient["pubDate"] = "Mon, 01 Jan 0001 00:00:00 GMT"
    url = feed_server.serve("/dates.xml", rss([ancient, sports_item()]))
    (report,) = await ingest(ingestor, url)
    assert (report.status, report.new) == ("ok", 2)
    since = datetime(1990, 1, 1, tzinfo=UTC)
    fresh = await services.stories.fresh(["sports"], newer_than=0, since=since)
    assert len(fresh) == 2
    assert all(a.published_at.year >= 1990 for a in fresh)


def test_an_arabic_date_in_year_one_is_unreadable_not_an_error() -> None:
    assert arabic_date("١ يناير ٠٠٠١ ٠١:٠٠") is None
