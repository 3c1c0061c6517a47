"""/search and inline mode, through the real Application against the fake Bot API."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from storage.db import Database, to_db_time
from tests.bot.digest_scenes import ingest
from tests.bot.harness import FakeClock, Harness, running
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.feed_server import FeedServer

READER = 5101
START = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def item(outlet: str, n: int, title: str, lead: str, *, hours_ago: float = 1) -> dict[str, str]:
    published = START - timedelta(hours=hours_ago)
    return {
        "title": title,
        "link": f"https://{outlet}.example/news/{n}",
        "guid": f"{outlet}-{n}",
        "pubDate": published.strftime("%a, %d %b %Y %H:%M:%S GMT"),
        "description": f"<p>{lead}</p>",
    }


BAKU = (
    "أذربيجان تستضيف قمة إقليمية للطاقة في باكو",
    "تبدأ في العاصمة باكو غدًا قمة إقليمية تبحث نقل الغاز عبر القوقاز.",
)
FOOTBALL = (
    "الهلال يفوز على النصر في الدوري السعودي",
    "حسم الهلال مباراة القمة بهدفين نظيفين في الرياض.",
)


@pytest.fixture
async def bot(fake_bot_api: FakeBotAPI, tmp_path: Path) -> AsyncIterator[Harness]:
    async with running(fake_bot_api, tmp_path, clock=FakeClock(START)) as harness:
        yield harness


def result_lines(text: str) -> list[str]:
    return re.findall(r"^• .*$", text, flags=re.MULTILINE)


async def test_search_finds_a_story_by_its_name_with_clitics_endings_and_hamza(
    bot: Harness, feed_server: FeedServer
) -> None:
    await ingest(bot, feed_server, "alpha", [item("alpha", 1, *BAKU), item("alpha", 2, *FOOTBALL)])

    for words in ("الأذربيجانية", "وأذربيجان", "اذربيجان"):
        answer = await bot.say(READER, f"/search {words}")
        lines = result_lines(str(answer["text"]))
        assert len(lines) == 1, answer["text"]
        assert BAKU[0] in lines[0]
        html = str(answer["html"])
        assert '<a href="https://alpha.example/news/1">' in html  # the headline is linked
        assert "alpha" in str(answer["text"]) and "ساعة" in str(answer["text"])  # outlet, age
    assert bot.api.rejected == []


async def test_search_puts_the_recent_story_above_an_older_one_as_relevant(
    bot: Harness, feed_server: FeedServer
) -> None:
    old = ("قمة في باكو حول الطاقة", "اجتماع سابق في باكو.")
    new = ("قمة في باكو حول النقل", "اجتماع جديد في باكو.")
    await ingest(
        bot,
        feed_server,
        "alpha",
        [item("alpha", 1, *old, hours_ago=24 * 20), item("alpha", 2, *new, hours_ago=2)],
    )
    answer = await bot.say(READER, "/search باكو")
    lines = result_lines(str(answer["text"]))
    assert [new[0] in lines[0], old[0] in lines[1]] == [True, True], answer["text"]


async def test_search_reaches_back_thirty_days_only(bot: Harness, feed_server: FeedServer) -> None:
    await ingest(bot, feed_server, "alpha", [item("alpha", 1, *BAKU, hours_ago=2)])
    bot.clock.now = START + timedelta(days=31)
    answer = await bot.say(READER, "/search باكو")
    assert result_lines(str(answer["text"])) == []
    assert "٣٠" in str(answer["text"])  # «… في آخر ٣٠ يومًا»


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("/search", "اكتب بعد الأمر كلمات"),
        ("/search !!! ؟؟ …", "لم أجد في"),
        ("/search في من على", "لم أجد في"),  # only words every article has
        ("/search " + "باكو " * 60, "أطول مما أستطيع"),
        ("/search " + " ".join(f"كلمة{i}" for i in range(12)), "أطول مما أستطيع"),
    ],
)
async def test_search_answers_empty_junk_and_huge_queries_with_a_clear_reply(
    bot: Harness, words: str, expected: str
) -> None:
    answer = await bot.say(READER, words)
    assert expected in str(answer["text"])
    assert bot.api.rejected == []


@pytest.mark.parametrize(
    ("words", "found"),
    [
        ('"باكو', True),
        ("باكو*", True),
        ("باكو OR", True),  # "or" is a word every text has, not an operator
        ("title:باكو", False),  # "title" is a word too, not a column filter
        ("^باكو", True),
        ("-باكو", True),
        ("NEAR(باكو قمة)", False),  # "near" is a word the story lacks
        ("AND NOT", False),
        ("(((", False),
    ],
)
async def test_search_takes_query_syntax_as_plain_words(
    bot: Harness, feed_server: FeedServer, words: str, found: bool
) -> None:
    await ingest(bot, feed_server, "alpha", [item("alpha", 1, *BAKU)])
    answer = await bot.say(READER, f"/search {words}")
    text = str(answer["text"])
    assert text.startswith("🔍")  # results or a sentence, never the error reply
    assert (BAKU[0] in text) == found, text
    assert bot.api.rejected == []


async def test_search_replies_in_english_to_an_english_reader(
    bot: Harness, feed_server: FeedServer
) -> None:
    await ingest(bot, feed_server, "alpha", [item("alpha", 1, *BAKU)])
    answer = await bot.say(READER, "/search باكو", language="en")
    assert "Results for" in str(answer["text"]) and "hour" in str(answer["text"])


async def test_inline_query_offers_stories_to_share_with_headline_and_outlet(
    bot: Harness, feed_server: FeedServer
) -> None:
    await ingest(bot, feed_server, "alpha", [item("alpha", 1, *BAKU), item("alpha", 2, *FOOTBALL)])
    query = bot.api.user_types_inline(READER, "الأذربيجانية", chat_type="group")
    answer = await bot.api.wait_for_inline_answer(query)
    results = answer["results"]
    assert [r["title"] for r in results] == [BAKU[0]]
    shared = results[0]["input_message_content"]
    assert shared["parse_mode"] == "HTML"
    assert '<a href="https://alpha.example/news/1">' in shared["message_text"]
    assert "alpha" in shared["message_text"] and "alpha" in results[0]["description"]
    assert bot.api.rejected == []


@pytest.mark.parametrize("typed", ["", "!!!", '"NEAR(', "لاشيءيطابقهذا"])
async def test_inline_query_without_results_shows_a_hint_button(
    bot: Harness, feed_server: FeedServer, typed: str
) -> None:
    await ingest(bot, feed_server, "alpha", [item("alpha", 1, *BAKU)])
    answer = await bot.api.wait_for_inline_answer(bot.api.user_types_inline(READER, typed))
    assert answer["results"] == []
    assert answer["button"]["text"].startswith("🔍")
    assert bot.api.rejected == []


async def test_pruned_articles_leave_the_search(bot: Harness, feed_server: FeedServer) -> None:
    await ingest(bot, feed_server, "alpha", [item("alpha", 1, *BAKU, hours_ago=2)])
    assert await bot.services.search.index.count() == 1
    bot.clock.now = START + timedelta(days=3)
    await bot.services.ingestor.prune(timedelta(days=1))
    assert await bot.services.search.index.count() == 0
    answer = await bot.say(READER, "/search باكو")
    assert result_lines(str(answer["text"])) == []


async def test_a_revised_headline_is_found_by_its_new_words(
    bot: Harness, feed_server: FeedServer
) -> None:
    await ingest(bot, feed_server, "alpha", [item("alpha", 1, *BAKU)])
    revised = ("تأجيل قمة تبليسي للطاقة", BAKU[1])
    await ingest(bot, feed_server, "alpha", [item("alpha", 1, *revised)])
    answer = await bot.say(READER, "/search تبليسي")
    assert revised[0] in str(answer["text"])


async def test_articles_stored_before_the_search_existed_are_found_after_start(
    fake_bot_api: FakeBotAPI, tmp_path: Path
) -> None:
    old = await Database.open(tmp_path / "mujaz.db", migrate_to=9)  # before the index
    await old.execute(
        "INSERT INTO feeds (id, url, created_at) VALUES (1, 'https://e.example/', '')"
    )
    await old.execute(
        "INSERT INTO articles (feed_id, url, canonical_url, title, summary, text, source,"
        " published_at, fetched_at) VALUES (1, 'https://e.example/1', 'https://e.example/1',"
        " ?, ?, '', 'alpha', ?, ?)",
        (*BAKU, to_db_time(START - timedelta(hours=1)), to_db_time(START)),
    )
    await old.close()
    async with running(fake_bot_api, tmp_path, clock=FakeClock(START)) as bot:
        index = bot.services.search.index
        for _ in range(500):
            if await index.count() == 1:
                break
            await asyncio.sleep(0.01)
        answer = await bot.say(READER, "/search أذربيجان")
        assert BAKU[0] in str(answer["text"])


async def test_search_results_of_long_emoji_headlines_still_fit_one_message(
    bot: Harness, feed_server: FeedServer
) -> None:
    words = [
        "الطاقة",
        "الغاز",
        "النقل",
        "السلام",
        "الحدود",
        "التجارة",
        "المياه",
        "السياحة",
        "الرياضة",
    ]
    items = [
        item(
            "alpha", n, f"باكو تستضيف مؤتمر {w} " + "😀" * 270, f"مؤتمر {w}.", hours_ago=30 * n + 1
        )
        for n, w in enumerate(words)
    ]  # each headline about 290 characters and 560 of Telegram's UTF-16 units
    await ingest(bot, feed_server, "alpha", items)
    answer = await bot.say(READER, "/search باكو")
    assert 4 <= len(result_lines(str(answer["text"]))) < 8
    assert bot.api.rejected == []


async def test_the_inline_hint_button_opens_the_bot_on_how_to_search(bot: Harness) -> None:
    answer = await bot.say(READER, "/start search")
    assert "/search" in str(answer["text"]) and "@mujaz_test_bot" in str(answer["text"])
