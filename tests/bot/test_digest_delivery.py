"""Digests as readers, groups and channels get them, through the fake Bot API."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.delivery.digest_pool import RunPools
from tests.bot.digest_scenes import ingest, tick, undated
from tests.bot.harness import FakeClock, Harness, running
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.feed_server import FeedServer
from tests.feeds import seed_item

READER, ADMIN, MEMBER = 3001, 3002, 3003
GROUP = -100777
START = datetime(2026, 11, 30, 9, 58, 10, tzinfo=UTC)  # 12:58:10 in Riyadh


def outlet_item(outlet: str, n: int, title: str, minutes_ago: int = 30) -> dict[str, str]:
    published = START - timedelta(minutes=minutes_ago)
    return {
        "title": title,
        "link": f"https://{outlet}.example/news/{n}",
        "guid": f"{outlet}-{n}",
        "pubDate": published.strftime("%a, %d %b %Y %H:%M:%S GMT"),
        "description": f"<p>{title}. تفاصيل الخبر كما نشرها موقع {outlet} صباح اليوم.</p>",
    }


@pytest.fixture
async def bot(fake_bot_api: FakeBotAPI, tmp_path: Path) -> AsyncIterator[Harness]:
    async with running(fake_bot_api, tmp_path, clock=FakeClock(START)) as harness:
        yield harness


async def seed_an_hour_ago(bot: Harness, feed_server: FeedServer) -> None:
    """The seed article (about Baku; Kursk in its body only), published at 11:58."""
    await ingest(bot, feed_server, "outlet", [undated(seed_item())], at=START - timedelta(hours=1))


def digests(api: FakeBotAPI, chat_id: int) -> list[dict[str, object]]:
    return [m for m in api.messages_to(chat_id) if "موجزك" in str(m.get("text"))]


async def test_time_two_minutes_ahead_brings_exactly_one_digest_at_that_minute(
    bot: Harness, feed_server: FeedServer
) -> None:
    await seed_an_hour_ago(bot, feed_server)
    await bot.say(READER, "/subscribe south_caucasus")
    await bot.say(READER, "/time 13:00")  # two minutes ahead, Riyadh time
    sent_at = []
    for n in range(10):  # a tick every 30 s, for five minutes
        bot.clock.now = START + timedelta(seconds=30 * n)
        before = len(digests(bot.api, READER))
        await tick(bot)
        if len(digests(bot.api, READER)) > before:
            sent_at.append(bot.clock.now)
    assert len(sent_at) == 1
    assert sent_at[0].astimezone(UTC).strftime("%H:%M") == "10:00"  # 13:00 in Riyadh
    assert bot.api.rejected == []


async def test_one_item_per_story_with_the_other_outlets_linked(
    bot: Harness, feed_server: FeedServer
) -> None:
    title = "أوبك بلس تمدد خفض إنتاج النفط حتى نهاية العام المقبل"
    await ingest(bot, feed_server, "alpha", [outlet_item("alpha", 1, title, 50)])
    await ingest(
        bot,
        feed_server,
        "beta",
        [
            outlet_item(
                "beta", 1, "تحالف أوبك بلس يقرر تمديد خفض إنتاج النفط حتى نهاية العام المقبل", 40
            )
        ],
    )
    await ingest(
        bot,
        feed_server,
        "gamma",
        [
            outlet_item(
                "gamma", 1, "تمديد خفض إنتاج النفط لتحالف أوبك بلس حتى نهاية العام القادم", 30
            )
        ],
    )
    await ingest(
        bot,
        feed_server,
        "delta",
        [outlet_item("delta", 7, "زلزال بقوة 5.6 درجات يضرب ولاية ملاطية شرقي تركيا", 20)],
    )
    await bot.say(READER, "/subscribe energy")
    await bot.say(READER, "/subscribe turkey")
    digest = await bot.say(READER, "/digest")
    html = str(digest["html"])
    assert len(re.findall(r"<b>[^<]*أوبك", html)) == 1  # one item for the story
    assert "مصدران آخران" in digest["text"]
    link = f"https://t.me/{bot.api.bot_username}?start=s"
    assert link in html
    assert "⚡" in html and "🌉" in html  # a section per topic
    story_id = html.split(link, 1)[1].split('"', 1)[0]

    # The link opens the bot on every outlet's article.
    sources = await bot.say(READER, f"/start s{story_id}")
    for outlet in ("alpha", "beta", "gamma"):
        assert f"https://{outlet}.example/news/1" in str(sources["html"])

    # A late outlet joins the story: it does not come back in the next digest.
    await ingest(
        bot,
        feed_server,
        "epsilon",
        [
            outlet_item(
                "epsilon", 1, "أوبك بلس تمدد خفض إنتاج النفط حتى نهاية العام المقبل رسميا", 5
            )
        ],
    )
    again = await bot.say(READER, "/digest")
    assert again["text"] == "📭 لا جديد في مواضيعك منذ موجزك الأخير."
    assert bot.api.rejected == []


async def test_digest_more_sends_what_the_cap_cut(bot: Harness, feed_server: FeedServer) -> None:
    headlines = [
        "زلزال يضرب ولاية ملاطية شرقي تركيا", "أردوغان يستقبل وفدا أوروبيا في أنقرة",
        "الليرة التركية تتراجع أمام الدولار", "إسطنبول تستضيف قمة اقتصادية إقليمية",
        "البرلمان التركي يقر قانون الموازنة",
    ]  # fmt: skip
    await ingest(
        bot, feed_server, "tr", [outlet_item("tr", i, h, 10 + i) for i, h in enumerate(headlines)]
    )
    await bot.say(READER, "/subscribe turkey")
    assert "٣" in (await bot.say(READER, "/items 3"))["text"]
    first = await bot.say(READER, "/digest")
    assert "/digest more" in first["text"] and "(٣ أخبار): خبران آخران" in first["text"]
    more = await bot.say(READER, "/digest more")
    assert sum(h in str(more["text"]) for h in headlines) == 2
    shown = [h for h in headlines if h in str(first["text"]) or h in str(more["text"])]
    assert sorted(shown) == sorted(headlines)
    assert "لا أخبار أخرى" in (await bot.say(READER, "/digest more"))["text"]


async def test_group_admin_configures_the_digest_and_a_member_is_refused(bot: Harness) -> None:
    api = bot.api
    api.add_chat(GROUP, "supergroup", title="نادي الأخبار")
    api.set_member_status(GROUP, ADMIN, "administrator")
    api.set_member_status(GROUP, MEMBER, "member")

    async def in_group(user: int, text: str) -> dict[str, object]:
        before = len(api.messages_to(GROUP))
        api.user_sends(user, text, chat_type="supergroup", chat_id=GROUP)
        return (await api.wait_for_messages(GROUP, before + 1))[before]

    texts = [
        (await in_group(ADMIN, "/subscribe russia"))["text"],
        (await in_group(ADMIN, "/time 07:15"))["text"],
        (await in_group(MEMBER, "/time 03:00"))["text"],
        (await in_group(MEMBER, "/unsubscribe russia"))["text"],
    ]
    assert "اشتركت في «روسيا»" in texts[0]
    assert "07:15" in texts[1] or "٠٧:١٥" in texts[1]
    assert texts[2] == texts[3] == "🔒 إعدادات موجز هذه المجموعة لمشرفيها فقط."
    group = await bot.services.chats.get(GROUP)
    assert group is not None and group.chat_type == "supergroup"
    assert group.schedule.times[0].strftime("%H:%M") == "07:15"
    assert await bot.services.chats.topics(GROUP) == ["russia"]

    # The keyboard answers only admins too.
    keyboard = await in_group(ADMIN, "/topics")
    api.user_presses(MEMBER, keyboard, "t:sports")
    await api.wait_for(lambda: len(api.callback_answers) == 1)
    assert api.callback_answers[0].get("show_alert") in (True, "true")
    assert await bot.services.chats.topics(GROUP) == ["russia"]


async def test_reader_settings_change_the_schedule(bot: Harness) -> None:
    assert "من الأحد إلى الخميس" in (await bot.say(READER, "/days الأحد-الخميس"))["text"]
    assert "باكو" in (await bot.say(READER, "/timezone باكو"))["text"]
    assert "23:00" in (await bot.say(READER, "/quiet 23:00 07:00"))["text"].replace(
        "٢٣:٠٠", "23:00"
    )
    assert "0123" in (await bot.say(READER, "/digits latin"))["text"]
    shown = (await bot.say(READER, "/time 07:30 19:00"))["text"]
    assert "07:30، 19:00" in shown and "من الأحد إلى الخميس" in shown and "23:00–07:00" in shown
    chat = await bot.services.chats.get(READER)
    assert chat is not None and chat.timezone == "Asia/Baku" and chat.digits == "latin"
    assert len(chat.schedule.times) == 2 and chat.schedule.quiet is not None
    for junk, expected in [
        ("/days someday", "لم أفهم الأيام"),
        ("/quiet soon", "لم أفهم ساعات الهدوء"),
        ("/digits roman", "/digits arabic"),
        ("/items 500", "من 3 إلى 30"),
        ("/nothingnew maybe", "/nothingnew on"),
    ]:
        assert expected in (await bot.say(READER, junk))["text"], junk
    assert bot.api.rejected == []


CHANNEL = -100888
FORUM = -100999


async def test_channel_is_configured_from_a_private_chat(
    bot: Harness, feed_server: FeedServer
) -> None:
    api = bot.api
    api.add_chat(CHANNEL, "channel", title="قناة الموجز", username="mujaz_news")
    api.set_member_status(CHANNEL, ADMIN, "administrator")
    api.set_member_status(CHANNEL, MEMBER, "member")

    assert "لست مشرفًا" in (await bot.say(ADMIN, "/channel @mujaz_news"))["text"]
    api.set_member_status(CHANNEL, api.bot_id, "administrator")
    assert (
        "لا يضبط موجز «قناة الموجز» إلا مشرفوها"
        in (await bot.say(MEMBER, "/channel @mujaz_news"))["text"]
    )
    assert "لم أجد القناة" in (await bot.say(ADMIN, "/channel @nosuch"))["text"]
    assert (
        "تضبط الآن موجز القناة «قناة الموجز»"
        in (await bot.say(ADMIN, "/channel @mujaz_news"))["text"]
    )

    await bot.say(ADMIN, "/subscribe south_caucasus")  # applies to the channel
    assert await bot.services.chats.topics(CHANNEL) == ["south_caucasus"]
    assert await bot.services.chats.topics(ADMIN) == []

    await seed_an_hour_ago(bot, feed_server)
    before = len(api.messages_to(ADMIN))
    api.user_sends(ADMIN, "/digest")  # shown here (intro, digest, question); published on a button
    intro, *_ = (await api.wait_for_messages(ADMIN, before + 3))[before:]
    assert "معاينة موجز «قناة الموجز»" in str(intro["text"])

    assert "عدت إلى ضبط موجزك الخاص" in (await bot.say(ADMIN, "/channel off"))["text"]
    await bot.say(ADMIN, "/subscribe sports")
    assert await bot.services.chats.topics(ADMIN) == ["sports"]
    assert [(m, r) for m, _, r in bot.api.rejected] == [
        ("getChat", "Bad Request: chat not found")
    ]  # only the @nosuch lookup


async def test_forum_digest_goes_to_the_chosen_thread(
    bot: Harness, feed_server: FeedServer
) -> None:
    api = bot.api
    api.add_chat(FORUM, "supergroup", title="منتدى", is_forum=True)
    api.set_member_status(FORUM, ADMIN, "administrator")
    api.user_sends(ADMIN, "/subscribe south_caucasus", chat_type="supergroup", chat_id=FORUM)
    api.user_sends(ADMIN, "/here", chat_type="supergroup", chat_id=FORUM, thread_id=42)
    replies = await api.wait_for_messages(FORUM, 2)
    assert any("سيصل الموجز إلى هذا الموضوع" in str(m["text"]) for m in replies)
    group = await bot.services.chats.get(FORUM)
    assert group is not None and group.thread_id == 42

    await seed_an_hour_ago(bot, feed_server)
    await bot.services.digests.send_on_request(bot.app.bot, group, ["south_caucasus"])
    sent = [
        p
        for method, p in api.requests
        if method == "sendMessage" and "موجز الأخبار" in str(p.get("text"))
    ]
    assert sent and sent[-1].get("message_thread_id") == 42


async def test_followed_word_appears_in_the_next_digest(
    bot: Harness, feed_server: FeedServer
) -> None:
    for junk, expected in [
        ("/follow", "تابع كلمة أو عبارة تهمك"),
        ("/follow في", "شائعة تظهر في كل الأخبار"),
        ("/follow 123", "ليس كلمة"),
        ("/follow Москва", "بحروف عربية أو لاتينية"),
        ("/follow " + "كلمة " * 8, "٤ كلمات على الأكثر"),
        ("/unfollow زنغزور", "لا تتابع «زنغزور»"),
    ]:
        assert expected in (await bot.say(READER, junk))["text"], junk
    assert "سأتابع «كورسك»" in (await bot.say(READER, "/follow كورسك"))["text"]
    assert "من قبل" in (await bot.say(READER, "/follow كورسك"))["text"]

    # The seed article names Kursk only in its body; the reader follows no topic at all.
    await seed_an_hour_ago(bot, feed_server)
    await bot.say(READER, "/time 13:00")
    bot.clock.now = START + timedelta(minutes=2)
    assert await tick(bot) == {"sent": 1}
    digest = digests(bot.api, READER)[-1]
    assert "🔎 \u200f<b>كلماتك</b>" in str(digest["html"])
    assert "زيارة غير واضحة المعالم" in str(digest["text"])

    assert "توقفت عن متابعة «كورسك»" in (await bot.say(READER, "/unfollow كورسك"))["text"]
    assert await bot.services.follows.of(READER) == []
    assert bot.api.rejected == []


async def test_chats_with_the_same_digest_share_one_rendering(
    bot: Harness, feed_server: FeedServer
) -> None:
    await seed_an_hour_ago(bot, feed_server)
    for reader in (READER, MEMBER):
        await bot.say(reader, "/subscribe south_caucasus")
        await bot.say(reader, "/time 13:00")
    await bot.say(ADMIN, "/subscribe russia")  # a different digest
    await bot.say(ADMIN, "/time 13:00")
    due_at = START + timedelta(minutes=2)
    digests = bot.services.digests
    await digests.planner.fill(due_at, digests.runs.start)
    page = await digests.planner.page(due_at)
    pools = RunPools(bot.services.stories, due_at)
    composed = {}
    for due in page.dues:
        pool = await pools.get(due.up_to, page.phrases)
        composed[due.chat.chat_id] = digests.composer.compose(
            due.chat, due.topics, pool, now=due_at
        )
    assert set(composed) == {READER, MEMBER, ADMIN}
    # In the queue, the two chats that share a rendering are neighbours.
    order = [due.chat.chat_id for due in page.dues]
    assert abs(order.index(READER) - order.index(MEMBER)) == 1
    assert composed[READER] is composed[MEMBER]
    assert composed[ADMIN] is not composed[READER]
    assert pool.rendered == 2
