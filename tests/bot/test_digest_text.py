"""What a digest says, through the real bot: the list of a story's sources opens under
the headline the reader tapped, and a story without a headline is not told twice."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.bot.digest_scenes import ingest
from tests.bot.harness import FakeClock, Harness, running
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.feed_server import FeedServer
from tests.ingest.conftest import rows

READER = 8001
START = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
FIRST = "أوبك+ تمدد خفض الإنتاج"
BEST = "تحالف أوبك بلس يقرر تمديد خفض إنتاج النفط حتى نهاية العام المقبل"


def item(outlet: str, title: str, lead: str, minutes_ago: int) -> dict[str, str]:
    published = START - timedelta(minutes=minutes_ago)
    return {
        "title": title,
        "link": f"https://{outlet}.example/news/1",
        "guid": f"{outlet}-1",
        "pubDate": published.strftime("%a, %d %b %Y %H:%M:%S GMT"),
        "description": f"<p>{lead}</p>",
    }


@pytest.fixture
async def bot(fake_bot_api: FakeBotAPI, tmp_path: Path) -> AsyncIterator[Harness]:
    async with running(fake_bot_api, tmp_path, clock=FakeClock(START)) as harness:
        yield harness


async def test_the_sources_page_is_titled_with_the_headline_the_reader_tapped(
    bot: Harness, feed_server: FeedServer
) -> None:
    # The first outlet has the story first, in a few words; the second tells it well, so
    # the digest leads with the second.
    await ingest(bot, feed_server, "alpha", [item("alpha", FIRST, "أوبك+ تمدد الخفض.", 50)])
    lead = (
        "اتفقت الدول الأعضاء في تحالف أوبك بلس خلال اجتماعها الافتراضي على تمديد خفض إنتاج"
        " النفط حتى نهاية العام المقبل، في خطوة تهدف إلى دعم الأسعار وسط توقعات بضعف الطلب."
    )
    await ingest(bot, feed_server, "beta", [item("beta", BEST, lead, 40)])
    ids = {r["title"]: r["id"] for r in await rows(bot.services, "SELECT id, title FROM articles")}
    await bot.services.stories.assign({ids[BEST]: ids[FIRST]})  # one story, first id

    await bot.say(READER, "/subscribe energy")
    digest = await bot.say(READER, "/digest")
    assert BEST in str(digest["text"]) and FIRST not in str(digest["text"])
    payload = re.search(r"\?start=(s[0-9_]+)", str(digest["html"]))
    assert payload is not None
    page = await bot.say(READER, f"/start {payload[1]}")
    assert str(page["text"]).splitlines()[0].endswith(BEST)
    # A link from before the lead was named still opens under the headline a digest leads with.
    old = await bot.say(READER, f"/start s{ids[FIRST]}")
    assert str(old["text"]).splitlines()[0].endswith(BEST)


async def test_an_untitled_item_is_not_told_twice(bot: Harness, feed_server: FeedServer) -> None:
    untitled = item(
        "gamma",
        "",
        "موسكو (رويترز) - قررت مجموعة أوبك بلس تمديد خفض إنتاج النفط حتى نهاية العام المقبل."
        " وقال مندوبون إن القرار اتخذ بالإجماع خلال اجتماع افتراضي عقد صباح اليوم.",
        30,
    )
    del untitled["title"]
    await ingest(bot, feed_server, "gamma", [untitled])
    await bot.say(READER, "/subscribe energy")
    text = str((await bot.say(READER, "/digest"))["text"])
    assert text.count("تمديد خفض إنتاج النفط") == 1, text
    assert "رويترز" not in text and "وقال مندوبون" in text
