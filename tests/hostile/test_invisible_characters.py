"""Bidi controls and zero-width characters are stripped where text comes in: an item's title,
summary and text, a feed's name, a phrase a reader follows. ZWNJ stays (Persian spells with it),
and topic matching sees through any invisible character inside a word."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.context import Services
from bot.core.invisible import BIDI_CONTROLS, ZERO_WIDTH, ZWNJ
from bot.core.phrases import check_phrase
from bot.core.topics import Catalog, Classifier
from bot.ingest.pipeline import Ingestor
from tests.bot.harness import Harness, running
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.feed_server import FeedServer
from tests.feeds import rss
from tests.ingest.conftest import ingest, rows
from tests.paths import TEMPLATES

CLASSIFIER = Classifier(Catalog.load(TEMPLATES / "topics.toml"))
INVISIBLE = BIDI_CONTROLS + ZERO_WIDTH
RLO, PDF, RLI, PDI, RLM = "\u202e", "\u202c", "\u2067", "\u2069", "\u200f"
ZWSP, ZWJ, WJ, BOM, MVS, TAG_A = "\u200b", "\u200d", "\u2060", "\ufeff", "\u180e", "\U000e0041"
READER = 4001


def visible(text: object) -> bool:
    return not any(ch in INVISIBLE for ch in str(text))


async def test_invisible_characters_never_reach_what_is_stored(
    services: Services, ingestor: Ingestor, feed_server: FeedServer
) -> None:
    item = {
        "title": f"{RLO}عاجل{PDF}: رئيس أذرب{ZWSP}يجان يزور موسكو{RLM}",
        "link": "https://example.org/news/1",
        "guid": "n-1",
        "description": (
            f"<p>{RLI}وصل الرئيس{PDI} إلى موسكو{ZWJ} في زيارة رسمية تستمر يومين{BOM}، "
            f"يبحث{WJ} خلالها ملفات الطاقة والنقل.</p>"
            f"<p>ذكرت{MVS} الرئاسة أن{TAG_A} الزيارة مهمة.</p>"
        ),
    }
    url = feed_server.serve("/f.xml", rss([item], title=f"{RLO}مصدر{ZWSP} تجريبي{PDF}"))
    (report,) = await ingest(ingestor, url)
    assert report.new == 1
    (article,) = await rows(services, "SELECT id, title, summary, text, source FROM articles")
    assert article["title"] == "عاجل: رئيس أذربيجان يزور موسكو"
    assert article["source"] == "مصدر تجريبي"
    for field in ("title", "summary", "text", "source"):
        assert visible(article[field]), field
    assert str(article["summary"]).startswith("وصل الرئيس إلى موسكو في زيارة رسمية")
    (feed,) = await rows(services, "SELECT title FROM feeds")
    assert feed["title"] == "مصدر تجريبي"
    topics = await rows(services, "SELECT topic_id FROM article_topics WHERE article_id = ?", 1)
    assert "south_caucasus" in {t["topic_id"] for t in topics}


async def test_zwnj_survives_ingestion(
    services: Services, ingestor: Ingestor, feed_server: FeedServer
) -> None:
    item = {
        "title": f"ایران{ZWSP} می{ZWNJ}خواهد مذاکره کند",
        "link": "https://example.org/fa/1",
        "guid": "fa-1",
        "description": f"<p>تهران می{ZWNJ}گوید{RLM} گفت{ZWNJ}وگو ادامه دارد.</p>",
    }
    (report,) = await ingest(ingestor, feed_server.serve("/fa.xml", rss([item])))
    assert report.new == 1
    (article,) = await rows(services, "SELECT title, text FROM articles")
    assert article["title"] == f"ایران می{ZWNJ}خواهد مذاکره کند"
    assert article["text"] == f"تهران می{ZWNJ}گوید گفت{ZWNJ}وگو ادامه دارد."


@pytest.mark.parametrize("mark", [ZWSP, ZWNJ, ZWJ, WJ, BOM, MVS, TAG_A, RLM, RLO, "\u061c"])
def test_an_invisible_character_inside_a_word_does_not_hide_it_from_topics(mark: str) -> None:
    result = CLASSIFIER.classify(f"رئيس أذرب{mark}يجان يزور موسكو", "")
    assert "south_caucasus" in result.topics, hex(ord(mark))


def test_a_followed_phrase_keeps_only_what_a_reader_can_see() -> None:
    check = check_phrase(f"{RLI}كور{ZWSP}سك{PDI}{RLO}")
    assert check.ok and check.phrase == "كورسك"
    assert check.key == check_phrase("كورسك").key
    persian = check_phrase(f"می{ZWNJ}خواهد")
    assert persian.ok and persian.phrase == f"می{ZWNJ}خواهد"


@pytest.fixture
async def bot(fake_bot_api: FakeBotAPI, tmp_path: Path) -> AsyncIterator[Harness]:
    async with running(fake_bot_api, tmp_path) as harness:
        yield harness


async def test_follow_stores_and_echoes_the_phrase_without_bidi_controls(bot: Harness) -> None:
    reply = await bot.say(READER, f"/follow {RLO}كورسك{ZWSP}{PDF}")
    assert "سأتابع «كورسك»" in reply["text"]
    assert await bot.services.follows.of(READER) == [(check_phrase("كورسك").key, "كورسك")]
    assert "توقفت عن متابعة «كورسك»" in (await bot.say(READER, "/unfollow كورسك"))["text"]
    refused = await bot.say(READER, f"/follow {RLO}123{PDF}")  # echoed back without the RLO
    assert "ليس كلمة" in refused["text"] and visible(refused["text"])
