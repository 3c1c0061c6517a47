"""News languages, from feed to chat: an English item never stands alone in an Arabic
reader's digest, reaches a reader who reads English, and adds a source to an Arabic story.

The real bot against the fake Bot API, feeds from the loopback server.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.bot.harness import Harness, running
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.feed_server import FeedServer
from tests.feeds import rss
from tests.ingest.conftest import rows
from tests.language_items import ARABIC, ENGLISH, items

ALICE, BOB, CAROL = 2001, 2002, 2003  # an Arabic reader, an English one, an Arabic one reading both
OWNER, MEMBER, GROUP = 5101, 5102, -100777
PUTIN_AR, PUTIN_EN, OIL_EN = ARABIC[0][0], ENGLISH[0][0], ENGLISH[1][0]


@pytest.fixture
async def bot(fake_bot_api: FakeBotAPI, tmp_path: Path) -> AsyncIterator[Harness]:
    async with running(fake_bot_api, tmp_path) as harness:
        yield harness


async def ingest_two_outlets(bot: Harness, feed_server: FeedServer) -> None:
    """An Arabic outlet's Putin-in-Baku story, and an English wire with the same event plus
    an oil story; the wire's Putin item is filed under the Arabic story."""
    services = bot.services
    arabic = feed_server.serve(
        "/ar.xml", rss(items(ARABIC, site="https://ar.example"), title="الجزيرة نت")
    )
    english = feed_server.serve(
        "/en.xml", rss(items(ENGLISH, site="https://wire.example"), title="Reuters")
    )
    feeds = [(await services.feeds.add(url))[0] for url in (arabic, english)]
    await services.ingestor.run(feeds)
    # Fresh, and all about Russia, whatever the clustering and the catalog make of them today.
    await services.db.execute(
        "UPDATE articles SET published_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-2 hours')"
    )
    await services.db.execute("DELETE FROM article_topics")
    await services.db.execute(
        "INSERT INTO article_topics (article_id, topic_id, score)"
        " SELECT id, 'russia', 6 FROM articles"
    )
    ids = {r["title"]: r["id"] for r in await rows(services, "SELECT id, title FROM articles")}
    story = await rows(services, "SELECT story_id FROM articles WHERE id = ?", ids[PUTIN_AR])
    await services.stories.assign({ids[PUTIN_EN]: int(str(story[0]["story_id"]))})
    langs = {
        r["title"]: r["lang"] for r in await rows(services, "SELECT title, lang FROM articles")
    }
    assert langs == {PUTIN_AR: "ar", PUTIN_EN: "en", OIL_EN: "en"}


async def digest(bot: Harness, user: int, language: str = "ar") -> dict[str, Any]:
    await bot.say(user, "/subscribe russia", language=language)
    return await bot.say(user, "/digest", language=language)


async def test_an_english_item_alone_never_reaches_an_arabic_reader(
    bot: Harness, feed_server: FeedServer
) -> None:
    await ingest_two_outlets(bot, feed_server)
    alice = await digest(bot, ALICE)
    assert PUTIN_AR in alice["text"]
    assert OIL_EN not in alice["text"] and PUTIN_EN not in alice["text"]
    # The wire's copy of the Arabic story is its other source.
    assert "ومصدر آخر" in alice["text"]
    assert "خبر واحد" in alice["text"]
    # Its list of sources: every outlet, under the headline in a language she reads, though
    # the wire had the story first.
    await bot.services.db.execute(
        "UPDATE articles SET published_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-3 hours')"
        " WHERE title = ?",
        (PUTIN_EN,),
    )
    (row,) = await rows(bot.services, "SELECT story_id FROM articles WHERE title = ?", PUTIN_AR)
    sources = await bot.say(ALICE, f"/start s{row['story_id']}")
    assert sources["text"].startswith(f"🗞️ \u200f{PUTIN_AR}")
    assert "الجزيرة نت" in sources["text"] and "Reuters" in sources["text"]
    assert bot.api.rejected == []


async def test_an_english_reader_gets_the_english_item_and_english_leads(
    bot: Harness, feed_server: FeedServer
) -> None:
    await ingest_two_outlets(bot, feed_server)
    bob = await digest(bot, BOB, "en")
    assert OIL_EN in bob["text"]
    assert PUTIN_EN in bob["text"] and PUTIN_AR not in bob["text"]  # English leads for him
    assert "other source" in bob["text"] and "Reuters" in bob["text"]
    assert bot.api.rejected == []


async def test_an_arabic_reader_who_chose_english_gets_it_with_arabic_leads(
    bot: Harness, feed_server: FeedServer
) -> None:
    await ingest_two_outlets(bot, feed_server)
    chose = await bot.say(CAROL, "/languages العربية والإنجليزية")
    assert chose["text"] == "🌍 لغات أخبار موجزك الآن: العربية، الإنجليزية."
    carol = await digest(bot, CAROL)
    assert OIL_EN in carol["text"] and PUTIN_AR in carol["text"]
    assert PUTIN_EN not in carol["text"]  # Arabic leads where the story has Arabic
    assert "خبران" in carol["text"]
    assert bot.api.rejected == []


async def test_the_languages_command_shows_sets_and_refuses_junk(bot: Harness) -> None:
    shown = await bot.say(ALICE, "/languages")
    assert "🌍 لغات أخبار موجزك: العربية." in shown["text"]
    assert "/languages ar en" in shown["text"]
    english = await bot.say(BOB, "/languages", language="en")
    assert "Your digest draws on news in: Arabic, English." in english["text"]

    assert "العربية، الفرنسية" in (await bot.say(ALICE, "/languages ar fr"))["text"]
    chat = await bot.services.chats.get(ALICE)
    assert chat is not None and chat.languages == {"ar", "fr"}
    assert "العربية، الفرنسية" in (await bot.say(ALICE, "/languages"))["text"]

    junk = await bot.say(ALICE, "/languages klingon")
    assert "لا أعرف لغة باسم «klingon»" in junk["text"] and "لغة واحدة على الأقل" in junk["text"]
    assert "لا أعرف لغة باسم «و»" in (await bot.say(ALICE, "/languages و"))["text"]
    refused = await bot.say(BOB, "/languages en xx", language="en")
    assert "I don't know a language called “xx”" in refused["text"]
    chat = await bot.services.chats.get(ALICE)
    assert chat is not None and chat.languages == {"ar", "fr"}  # junk changed nothing

    await bot.say(ALICE, "/subscribe russia")
    assert "لغات الأخبار: العربية، الفرنسية" in (await bot.say(ALICE, "/mytopics"))["text"]
    assert "/languages" in (await bot.say(ALICE, "/help"))["text"]
    assert "/languages" in (await bot.say(BOB, "/help", language="en"))["text"]
    menus = bot.api.commands
    assert {c["command"]: c["description"] for c in menus[("default", None)]}["languages"] == (
        "لغات الأخبار"
    )
    assert bot.api.rejected == []


async def test_only_a_groups_admins_choose_its_languages(bot: Harness) -> None:
    api = bot.api
    api.add_chat(GROUP, "supergroup", title="مجموعة")
    api.set_member_status(GROUP, OWNER, "administrator")
    api.set_member_status(GROUP, MEMBER, "member")

    async def in_group(user: int, text: str) -> str:
        before = len(api.messages_to(GROUP))
        api.user_sends(user, text, chat_type="supergroup", chat_id=GROUP)
        return str((await api.wait_for_messages(GROUP, before + 1))[before]["text"])

    assert "لمشرفيها فقط" in await in_group(MEMBER, "/languages en")
    assert "العربية، الإنجليزية" in await in_group(OWNER, "/languages ar en")
    group = await bot.services.chats.get(GROUP)
    assert group is not None and group.languages == {"ar", "en"}
