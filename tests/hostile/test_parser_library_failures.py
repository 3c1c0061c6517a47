"""feedparser promises to report malformed input (bozo), not to raise, and raises on some anyway
(kurtmckee/feedparser#591, #599); the fuzz test found both kinds below.

A numeric character reference to no character (a lone surrogate, which some publishers write in
pairs for an emoji, or a number past U+10FFFF) is read as U+FFFD, as an HTML parser reads it,
and the rest of the feed is kept. Whatever else feedparser raises on fails that feed alone,
with the reason for its admin and no traceback logged as an error of the bot's own.
"""

from __future__ import annotations

import logging

import pytest

from bot.context import Services
from bot.ingest.parse import ParseFailed, parse_sync
from bot.ingest.pipeline import Ingestor
from tests.fakes.feed_server import FeedServer
from tests.feeds import rss, sports_item
from tests.ingest.conftest import ingest, rows

URL = "https://example.org/feed.xml"
REPLACEMENT = "\ufffd"


def feed(title_xml: str, *, channel_xml: str = "") -> bytes:
    """One item whose <title> is `title_xml`, written into the XML as it is."""
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>مصدر</title>{channel_xml}<item><title>{title_xml}</title>"
        "<link>https://example.org/news/1</link><guid>news-1</guid>"
        "<description>نص الخبر كاملا.</description></item></channel></rss>"
    ).encode()


@pytest.mark.parametrize(
    ("reference", "read_as"),
    [
        pytest.param("&#xD800;", REPLACEMENT, id="lone surrogate"),
        pytest.param("&#55357;&#56832;", REPLACEMENT * 2, id="surrogate pair for an emoji"),
        pytest.param("&#x110000;", REPLACEMENT, id="past U+10FFFF"),
        pytest.param("&#99999999999;", REPLACEMENT, id="past a C int"),
        pytest.param("&#" + "9" * 4400 + ";", REPLACEMENT, id="past the digits int() reads"),
        pytest.param("&#x0000041;", "A", id="leading zeros"),
        pytest.param("&#x1F600;", "😀", id="an emoji"),
    ],
)
def test_a_reference_to_no_character_is_read_as_a_replacement_character(
    reference: str, read_as: str
) -> None:
    parsed = parse_sync(feed(f"خبر {reference} عاجل"), url=URL)
    (entry,) = parsed.entries
    assert entry.title_html == f"خبر {read_as} عاجل"
    assert entry.link == "https://example.org/news/1"


async def test_a_feed_with_references_to_no_character_is_stored(
    services: Services, ingestor: Ingestor, feed_server: FeedServer
) -> None:
    url = feed_server.serve("/emoji.xml", feed("خبر &#55357;&#56832; عاجل"))
    (report,) = await ingest(ingestor, url)
    assert (report.status, report.new) == ("ok", 1)
    (article,) = await rows(services, "SELECT title FROM articles")
    assert article["title"] == f"خبر {REPLACEMENT * 2} عاجل"


def test_what_feedparser_raises_on_is_a_parse_failure_with_its_reason() -> None:
    # A stray </height> (an <image>'s, say): feedparser's lenient parser reads its value as
    # a number, finds none and raises TypeError (kurtmckee/feedparser#599).
    stray = "<image><url>https://example.org/a.png</url></height></image>"
    with pytest.raises(ParseFailed) as failed:
        parse_sync(feed("خبر", channel_xml=stray), url=URL)
    assert failed.value.status == "error"
    assert str(failed.value).startswith("the feed parser failed on this feed: TypeError")


async def test_a_feed_feedparser_raises_on_fails_alone_and_logs_no_error(
    services: Services,
    ingestor: Ingestor,
    feed_server: FeedServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    broken = feed_server.serve("/broken.xml", feed("خبر", channel_xml="</width>"))
    good = feed_server.serve("/good.xml", rss([sports_item()]))
    reports = await ingest(ingestor, broken, good)
    assert [(r.status, r.new) for r in reports] == [("error", 0), ("ok", 1)]
    assert str(reports[0].error).startswith("the feed parser failed on this feed: TypeError")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    (stored,) = await rows(services, "SELECT last_error FROM feeds WHERE url = ?", broken)
    assert str(stored["last_error"]).startswith("the feed parser failed")
