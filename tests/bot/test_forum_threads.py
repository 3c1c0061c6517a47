"""/threads in a forum supergroup: a thread per topic, each topic's section in its thread."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.models import Chat, Schedule
from tests.bot.digest_scenes import ingest, tick
from tests.bot.harness import FakeClock, Harness, running
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.feed_server import FeedServer

ADMIN, MEMBER = 6101, 6102
FORUM = -1006100
START = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)

CAUCASUS = (
    "أذربيجان وأرمينيا تتفقان على ترسيم قطاع جديد من الحدود",
    "اتفقت لجنتا ترسيم الحدود بين أذربيجان وأرمينيا على الشروع في ترسيم قطاع جديد.",
)
SPORTS = (
    "المنتخب المغربي يتأهل إلى نهائيات كأس أمم أفريقيا",
    "حجز المنتخب المغربي بطاقة التأهل إلى نهائيات كأس أمم أفريقيا بعد فوزه بثلاثية.",
)


def item(n: int, title: str, lead: str) -> dict[str, str]:
    published = START - timedelta(hours=1)
    return {
        "title": title,
        "link": f"https://alpha.example/news/{n}",
        "guid": f"alpha-{n}",
        "pubDate": published.strftime("%a, %d %b %Y %H:%M:%S GMT"),
        "description": f"<p>{lead}</p>",
    }


@pytest.fixture
async def bot(fake_bot_api: FakeBotAPI, tmp_path: Path) -> AsyncIterator[Harness]:
    fake_bot_api.add_chat(FORUM, "supergroup", title="منتدى الأخبار", is_forum=True)
    fake_bot_api.set_member_status(FORUM, ADMIN, "administrator")
    fake_bot_api.set_member_status(FORUM, fake_bot_api.bot_id, "administrator")
    async with running(fake_bot_api, tmp_path, clock=FakeClock(START)) as harness:
        yield harness


async def in_forum(bot: Harness, text: str, user: int = ADMIN) -> dict[str, object]:
    """The admin writes in the forum's general thread; the bot's next message there."""
    before = len(bot.api.messages_to(FORUM))
    bot.api.user_sends(user, text, chat_type="supergroup", chat_id=FORUM)
    return (await bot.api.wait_for_messages(FORUM, before + 1))[before]


async def threads_on(bot: Harness) -> dict[str, int]:
    await in_forum(bot, "/subscribe south_caucasus")
    await in_forum(bot, "/subscribe sports")
    reply = await in_forum(bot, "/threads auto")
    assert "سلسلته الخاصة" in str(reply["text"])
    return await bot.services.digests.threads.threads(FORUM)


async def forum_chat(bot: Harness) -> Chat:
    chat = await bot.services.chats.get(FORUM)
    assert chat is not None
    return chat


def digest_messages(api: FakeBotAPI) -> list[dict[str, object]]:
    return [m for m in api.messages_to(FORUM) if str(m.get("text")).startswith("📰")]


async def test_threads_auto_makes_one_thread_per_topic_named_in_arabic(bot: Harness) -> None:
    made = await threads_on(bot)
    assert set(made) == {"south_caucasus", "sports"}
    names = {name for chat, _, name in bot.api.forum_topics_created if chat == FORUM}
    assert any("جنوب القوقاز" in n for n in names) and any("الرياضة" in n for n in names)
    await in_forum(bot, "/threads auto")  # again: the threads it has are kept, none made twice
    assert len(bot.api.forum_topics_created) == 2
    assert bot.api.rejected == []


async def test_each_topic_section_goes_to_its_own_thread(
    bot: Harness, feed_server: FeedServer
) -> None:
    made = await threads_on(bot)
    await ingest(bot, feed_server, "alpha", [item(1, *CAUCASUS), item(2, *SPORTS)])
    chat = await forum_chat(bot)
    await bot.services.digests.send_on_request(bot.app.bot, chat, ["south_caucasus", "sports"])
    sent = digest_messages(bot.api)
    by_thread = {m.get("message_thread_id"): str(m["text"]) for m in sent}
    assert set(by_thread) == {made["south_caucasus"], made["sports"]}
    assert CAUCASUS[0] in by_thread[made["south_caucasus"]]
    assert SPORTS[0] in by_thread[made["sports"]]
    assert SPORTS[0] not in by_thread[made["south_caucasus"]]
    assert bot.api.rejected == []


async def test_a_deleted_thread_falls_back_to_the_default_thread_and_is_forgotten(
    bot: Harness, feed_server: FeedServer
) -> None:
    made = await threads_on(bot)
    bot.api.delete_thread(FORUM, made["sports"])
    await ingest(bot, feed_server, "alpha", [item(1, *CAUCASUS), item(2, *SPORTS)])
    await bot.services.digests.send_on_request(
        bot.app.bot, await forum_chat(bot), ["south_caucasus", "sports"]
    )
    sent = digest_messages(bot.api)
    sports = [m for m in sent if SPORTS[0] in str(m["text"])]
    assert len(sports) == 1 and "message_thread_id" not in sports[0]  # the general thread
    assert [r for _, _, r in bot.api.rejected] == ["Bad Request: message thread not found"]
    assert await bot.services.digests.threads.threads(FORUM) == {
        "south_caucasus": made["south_caucasus"]
    }
    await in_forum(bot, "/threads auto")  # makes the sports thread anew
    assert set(await bot.services.digests.threads.threads(FORUM)) == {"south_caucasus", "sports"}


async def test_threads_off_sends_the_digest_as_one_again(
    bot: Harness, feed_server: FeedServer
) -> None:
    await threads_on(bot)
    reply = await in_forum(bot, "/threads off")
    assert "سلسلة واحدة" in str(reply["text"])
    await ingest(bot, feed_server, "alpha", [item(1, *CAUCASUS), item(2, *SPORTS)])
    await bot.services.digests.send_on_request(
        bot.app.bot, await forum_chat(bot), ["south_caucasus", "sports"]
    )
    (digest,) = digest_messages(bot.api)
    assert CAUCASUS[0] in str(digest["text"]) and SPORTS[0] in str(digest["text"])
    assert "message_thread_id" not in digest


@pytest.mark.parametrize("where", ["private", "group"])
async def test_threads_outside_a_forum_explain_where_they_work(bot: Harness, where: str) -> None:
    if where == "private":
        answer = await bot.say(ADMIN, "/threads auto")
    else:
        bot.api.add_chat(-555, "group", title="مجموعة")
        bot.api.user_sends(ADMIN, "/threads auto", chat_type="group", chat_id=-555)
        answer = (await bot.api.wait_for_messages(-555))[0]
    assert "لمجموعات المواضيع" in str(answer["text"])
    assert bot.api.forum_topics_created == []


async def test_only_the_forums_admins_switch_threads(bot: Harness) -> None:
    await in_forum(bot, "/subscribe sports")
    answer = await in_forum(bot, "/threads auto", user=MEMBER)
    assert "لمشرفيها" in str(answer["text"])
    assert bot.api.forum_topics_created == []


async def test_without_the_right_to_manage_topics_the_admin_is_told(bot: Harness) -> None:
    bot.api.set_member_status(FORUM, bot.api.bot_id, "member")
    await in_forum(bot, "/subscribe sports")
    answer = await in_forum(bot, "/threads auto")
    assert "إدارة المواضيع" in str(answer["text"])
    assert not await bot.services.digests.threads.is_on(FORUM)


async def test_mytopics_in_a_forum_says_whether_topics_have_threads(bot: Harness) -> None:
    await in_forum(bot, "/subscribe sports")
    before = await in_forum(bot, "/mytopics")
    assert "/threads auto" in str(before["text"])
    await in_forum(bot, "/threads auto")
    after = await in_forum(bot, "/mytopics")
    assert "/threads off" in str(after["text"])


async def test_a_scheduled_tick_renders_a_threaded_forum_apart_from_a_plain_group(
    bot: Harness, feed_server: FeedServer
) -> None:
    made = await threads_on(bot)
    plain = -1006199
    bot.api.add_chat(plain, "supergroup", title="مجموعة")
    bot.api.set_member_status(plain, ADMIN, "administrator")
    for text in ("/subscribe south_caucasus", "/subscribe sports"):
        bot.api.user_sends(ADMIN, text, chat_type="supergroup", chat_id=plain)
    await bot.api.wait_for_messages(plain, 2)
    noon = Schedule(times=(time(12, 0),))  # START in Riyadh
    for chat_id in (FORUM, plain):
        await bot.services.chats.update(chat_id, schedule=noon)
    await ingest(bot, feed_server, "alpha", [item(1, *CAUCASUS), item(2, *SPORTS)])

    assert await tick(bot) == {"sent": 2}
    threaded = digest_messages(bot.api)
    assert sorted(m.get("message_thread_id") for m in threaded) == sorted(made.values())
    (whole,) = [m for m in bot.api.messages_to(plain) if str(m.get("text")).startswith("📰")]
    assert CAUCASUS[0] in str(whole["text"]) and SPORTS[0] in str(whole["text"])
