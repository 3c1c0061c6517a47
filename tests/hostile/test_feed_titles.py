"""A feed's title becomes the source name under each of its items: it is cleaned (entities
decoded, tags stripped, invisible characters removed, whitespace collapsed) and cut to 64
characters on a word boundary, so no feed can make a digest item too long to send."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest

from bot.context import Services
from bot.core.clean import MAX_SOURCE_CHARS, source_name
from bot.core.telegram_text import MESSAGE_LIMIT, visible_len
from bot.ingest.pipeline import Ingestor
from bot.models import Chat
from tests.fakes.feed_server import FeedServer
from tests.feeds import rss, seed_item
from tests.ingest.conftest import ingest, rows

PIECE = (
    "<b>أخبار</b> &amp; <i>تقارير</i> &lt;عاجلة&gt; \u202e<span style='display:none'>x</span>"
    "\n\t <a href='https://example.org/'>من   القوقاز</a>&nbsp;&#1575;&#x644;يوم\u200b "
)
HUGE_TITLE = (PIECE * 40)[:3600]  # about 3,600 characters of mixed markup


def test_a_source_name_is_one_clean_line_cut_on_a_word() -> None:
    name = source_name(HUGE_TITLE)
    assert name is not None
    assert len(name) <= MAX_SOURCE_CHARS and name.endswith("…")
    assert name.startswith("أخبار & تقارير <عاجلة> من القوقاز اليوم أخبار")
    assert not any(ch in name for ch in "\u202e\u200b\n\t\xa0")
    assert source_name(" <b>BBC&nbsp;Arabic</b>\n") == "BBC Arabic"
    assert source_name("<br><img src=x>") is None
    assert source_name(None) is None
    assert source_name("x" * 200) == "x" * 63 + "…"  # one long word is cut inside


async def test_a_3600_character_feed_title_leaves_the_digest_sendable(
    services: Services, ingestor: Ingestor, feed_server: FeedServer
) -> None:
    item = {k: v for k, v in seed_item().items() if k != "pubDate"}  # published now
    item["title"] = (item["title"] + " ") * 4  # a long headline and summary leave less room
    url = feed_server.serve("/huge-title.xml", rss([item], title=HUGE_TITLE))
    check = await ingestor.check(url)  # what /addfeed would save
    assert check.title is not None and len(check.title) <= MAX_SOURCE_CHARS

    (report,) = await ingest(ingestor, url)
    assert (report.status, report.new) == ("ok", 1)
    (feed,) = await rows(services, "SELECT title FROM feeds")
    (article,) = await rows(services, "SELECT source FROM articles")
    assert article["source"] == feed["title"] == source_name(HUGE_TITLE)

    reader = Chat(0, "ar", "Asia/Riyadh", max_items=50)
    composed = await services.digests.preview(reader, ["south_caucasus"], since=timedelta(days=1))
    assert composed.messages
    assert all(visible_len(m) <= MESSAGE_LIMIT for m in composed.messages)
    assert html.escape(str(article["source"]), quote=False) in "".join(composed.messages)


@pytest.mark.parametrize(
    "stored",
    ["<b>" + "مصدر طويل جدا " * 300 + "</b>", "\u202eمصدر\u202c"],
    ids=["saved long", "saved with bidi"],
)
async def test_a_title_stored_before_cleaning_is_cleaned_as_a_source(
    services: Services, ingestor: Ingestor, feed_server: FeedServer, stored: str
) -> None:
    item = {k: v for k, v in seed_item().items() if k != "pubDate"}
    url = feed_server.serve("/old.xml", rss([item]))
    feed, _ = await services.feeds.add(url, stored)  # as an older version saved it
    await ingestor.run([feed])
    (article,) = await rows(services, "SELECT source FROM articles")
    assert article["source"] == source_name(stored)
    assert len(str(article["source"])) <= MAX_SOURCE_CHARS
