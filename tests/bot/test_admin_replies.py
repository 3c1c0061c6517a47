"""What admins read: /feeds, /addfeed, /removefeed and /broadcast say the right thing, in
the admin's language, through the real Application against the fake Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.render import LANGUAGES, Renderer
from bot.models import FeedStatus
from handlers.feed_status import status_sentence
from tests.bot.harness import Harness, running
from tests.delivery.audience import known_to_telegram, seed_chats
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.feed_server import FeedServer
from tests.feeds import rss, seed_item
from tests.paths import TEMPLATES

ADMIN, STRANGER, FORUM = 42, 77, -100_500


@pytest.fixture
async def bot(fake_bot_api: FakeBotAPI, tmp_path: Path) -> AsyncIterator[Harness]:
    async with running(fake_bot_api, tmp_path, admin_ids=frozenset({ADMIN})) as harness:
        harness.services.broadcasts.status_every = 0.2
        yield harness


async def failing_and_working_feeds(bot: Harness, feed_server: FeedServer) -> None:
    good = feed_server.serve("/news.xml", rss([seed_item()]))
    await bot.services.feeds.add(good, "أخبار")
    await bot.services.feeds.add(feed_server.url("/gone.xml"), "مصدر متعثر")
    await bot.services.ingestor.run(await bot.services.feeds.all())


async def test_feeds_puts_each_feeds_name_and_url_on_lines_of_their_own(
    bot: Harness, feed_server: FeedServer
) -> None:
    await failing_and_working_feeds(bot, feed_server)
    for language in LANGUAGES:
        lines = (await bot.say(ADMIN, "/feeds", language=language))["text"].splitlines()
        for url in (feed_server.url("/news.xml"), feed_server.url("/gone.xml")):
            (line,) = [line for line in lines if url in line]
            assert line.strip("\u200f\u200e") == url


async def test_a_failing_feed_shows_a_warning_and_why_not_a_tick(
    bot: Harness, feed_server: FeedServer
) -> None:
    await failing_and_working_feeds(bot, feed_server)
    text = (await bot.say(ADMIN, "/feeds"))["text"]
    working, failing = text.split("مصدر متعثر")
    assert "✅ آخر نجاح" in working and "⚠️" not in working
    assert "✅" not in failing
    assert "⚠️ متعثر: الصفحة غير موجودة على الخادم (404)." in failing


async def test_addfeed_failure_is_a_sentence_in_the_admins_language_with_the_detail_after(
    bot: Harness, feed_server: FeedServer
) -> None:
    missing = feed_server.url("/missing.xml")
    bot.api.user_sends(ADMIN, f"/addfeed {missing}")
    arabic = (await bot.api.wait_for_messages(ADMIN, 2))[1]["text"].splitlines()
    assert arabic[0] == "⚠️ لم أحفظ المصدر: الصفحة غير موجودة على الخادم (404)."
    assert arabic[1].startswith("🔧 التفاصيل: \u200fhttp-404")
    bot.api.user_sends(ADMIN, f"/addfeed {missing}", language_code="en")
    english = (await bot.api.wait_for_messages(ADMIN, 4))[3]["text"].splitlines()
    assert english[0] == "⚠️ Not saved: The page does not exist on the server (404)."


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_feed_status_has_a_sentence_of_its_own(language: str) -> None:
    bot_renderer = Renderer(TEMPLATES)
    unknown = bot_renderer.text(language, "feed_status.unknown")
    sentences = {
        status_sentence(bot_renderer, language, s)
        for s in FeedStatus
        if s not in (FeedStatus.OK, FeedStatus.NOT_MODIFIED)
    }
    assert unknown not in sentences
    assert len(sentences) == len(FeedStatus) - 2
    assert "(503)" in status_sentence(bot_renderer, language, "http-503") or "(٥٠٣)" in (
        status_sentence(bot_renderer, language, "http-503")
    )


async def test_addfeed_counts_the_feeds_items_without_claiming_they_are_stored(
    bot: Harness, feed_server: FeedServer
) -> None:
    url = feed_server.serve("/news.xml", rss([seed_item()]))
    bot.api.user_sends(ADMIN, f"/addfeed {url}")
    added = (await bot.api.wait_for_messages(ADMIN, 2))[1]["text"]
    assert await bot.services.articles.count() == 0
    assert "فيه الآن" not in added
    assert "وجدت في الخلاصة عنصر واحد" in added


async def test_removefeed_deletes_only_after_the_admin_confirms(
    bot: Harness, feed_server: FeedServer
) -> None:
    await failing_and_working_feeds(bot, feed_server)
    question = await bot.say(ADMIN, "/removefeed 1")
    assert "أأحذف المصدر رقم ١" in question["text"] and "خبر واحد" in question["text"]
    assert len(await bot.services.feeds.all()) == 2  # nothing deleted yet

    bot.api.user_presses(STRANGER, question, "rf:del:1", allow_stale=True)
    bot.api.user_presses(ADMIN, question, "rf:keep:1")
    await bot.api.wait_for(lambda: "أبقيت المصدر" in bot.api.messages_to(ADMIN)[-1]["text"])
    assert len(await bot.services.feeds.all()) == 2

    question = await bot.say(ADMIN, "/removefeed 1")
    bot.api.user_presses(ADMIN, question, "rf:del:1")
    await bot.api.wait_for(lambda: "حُذف المصدر" in bot.api.messages_to(ADMIN)[-1]["text"])
    assert [f.id for f in await bot.services.feeds.all()] == [2]
    assert await bot.services.articles.count() == 0

    bot.api.user_presses(ADMIN, question, "rf:del:1", allow_stale=True)  # pressed again
    await bot.api.wait_for(lambda: "حُذف من قبل" in str(bot.api.callback_answers[-1]))


async def test_broadcast_topic_with_nothing_after_it_is_not_broadcast(bot: Harness) -> None:
    await seed_chats(bot.services.db, [3001])
    known_to_telegram(bot.api, [3001])
    for command in ("/broadcast topic:", "/broadcast topic:   "):
        text = (await bot.say(ADMIN, command))["text"]
        assert "اكتب الموضوع بعد topic:" in text
    assert await bot.services.broadcasts.repo.get(1) is None


async def test_broadcast_to_a_forum_group_goes_to_its_here_thread(bot: Harness) -> None:
    api = bot.api
    api.add_chat(FORUM, "supergroup", title="منتدى", is_forum=True)
    api.set_member_status(FORUM, ADMIN, "administrator")
    api.user_sends(ADMIN, "/here", chat_type="supergroup", chat_id=FORUM, thread_id=7)
    await api.wait_for_messages(FORUM, 1)
    before = len(api.messages_to(ADMIN))
    api.user_sends(ADMIN, "/broadcast إعلان للمنتدى")
    confirm = (await api.wait_for_messages(ADMIN, before + 2))[-1]
    api.user_presses(ADMIN, confirm, "bc:send:1")
    await api.wait_for(
        lambda: any("تقرير الإعلان" in m["text"] for m in api.messages_to(ADMIN)), timeout=15
    )
    (sent,) = [p for m, p in api.requests if m == "sendMessage" and p.get("text") == "إعلان للمنتدى"
               and p.get("chat_id") == FORUM]  # fmt: skip
    assert sent.get("message_thread_id") == 7
