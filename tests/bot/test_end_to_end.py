"""From a feed to a digest in a subscriber's chat: the real bot, a fake Telegram, a local feed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import time
from pathlib import Path

import pytest

from tests.bot.harness import Harness, running
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.feed_server import FeedServer
from tests.feeds import SEED_URL, rss, seed_item, sports_item

ALICE, BOB = 1001, 1002
BOILERPLATE = ["Photo of author", "By العربية الآن", "sputnik", "attention editors", "رابط المصدر",
               "أضف تعليق", "reCAPTCHA", "المصدر :", "(رويترز)"]  # fmt: skip


@pytest.fixture
async def bot(fake_bot_api: FakeBotAPI, tmp_path: Path) -> AsyncIterator[Harness]:
    async with running(fake_bot_api, tmp_path) as harness:
        yield harness


async def test_seed_article_reaches_the_south_caucasus_subscriber_only(
    bot: Harness, feed_server: FeedServer
) -> None:
    api = bot.api
    url = feed_server.serve("/news.xml", rss([seed_item(), sports_item()], title="الجزيرة نت"))
    feed, _ = await bot.services.feeds.add(url)
    # Published "now", so the first digest's 24-hour window holds them.
    (report,) = await bot.services.ingestor.run([feed])
    assert report.new == 2
    await bot.services.db.execute(
        "UPDATE articles SET published_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-2 hours')"
    )

    # Alice picks South Caucasus on the inline keyboard.
    await bot.say(ALICE, "/start")
    keyboard = await bot.say(ALICE, "/topics")
    buttons = [
        b["callback_data"] for row in keyboard["reply_markup"]["inline_keyboard"] for b in row
    ]
    assert "t:south_caucasus" in buttons and "t:sports" in buttons
    api.user_presses(ALICE, keyboard, "t:south_caucasus")
    await api.wait_for(lambda: "✅ جنوب القوقاز" in str(api.messages_to(ALICE)[-1]["reply_markup"]))
    api.user_presses(ALICE, api.messages_to(ALICE)[-1], "t:done")
    await api.wait_for(lambda: "حُفظت مواضيعك" in api.messages_to(ALICE)[-1]["text"])

    # Bob subscribes to Sports with a command, by its Arabic name.
    reply = await bot.say(BOB, "/subscribe الرياضة")
    assert "اشتركت في «الرياضة»" in reply["text"]

    alice_digest = await bot.say(ALICE, "/digest")
    bob_digest = await bot.say(BOB, "/digest")

    html = alice_digest["html"]
    assert f'<a href="{SEED_URL}"><b>زيارة غير واضحة المعالم' in html
    assert "اختتم الرئيس الروسي فلاديمير بوتين" in alice_digest["text"]
    for marker in BOILERPLATE:
        assert marker not in alice_digest["text"], marker
    assert "الهلال" not in alice_digest["text"]
    assert "موجزك" in alice_digest["text"]

    assert SEED_URL not in bob_digest["html"]
    assert "الهلال يفوز على النصر" in bob_digest["text"]
    assert api.rejected == []


async def test_second_digest_has_only_what_is_new(bot: Harness, feed_server: FeedServer) -> None:
    url = feed_server.serve("/news.xml", rss([seed_item()]))
    feed, _ = await bot.services.feeds.add(url)
    await bot.services.ingestor.run([feed])
    await bot.services.db.execute(
        "UPDATE articles SET published_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
    )
    await bot.say(ALICE, "/subscribe south_caucasus")
    first = await bot.say(ALICE, "/digest")
    assert SEED_URL in first["html"]
    second = await bot.say(ALICE, "/digest")
    assert second["text"] == "📭 لا جديد في مواضيعك منذ موجزك الأخير."


async def test_command_menu_is_set_in_arabic_and_english(bot: Harness) -> None:
    menus = bot.api.commands
    arabic = {c["command"]: c["description"] for c in menus[("default", None)]}
    english = {c["command"]: c["description"] for c in menus[("default", "en")]}
    assert arabic["topics"] == "اختيار المواضيع"
    assert english["topics"] == "Choose topics"
    assert (
        set(arabic)
        == set(english)
        >= {
            "start",
            "help",
            "topics",
            "subscribe",
            "unsubscribe",
            "mytopics",
            "digest",
            "time",
            "timezone",
            "pause",
            "resume",
        }
    )


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/subscribe كرة الطائرة الشاطئية", "لا أعرف موضوعًا باسم «كرة الطائرة الشاطئية»"),
        ("/subscribe", "اكتب اسم الموضوع بعد الأمر"),
        ("/time 25:99", "لم أفهم الوقت «25:99»"),
        ("/time بكرة", "بنظام ١٢ ساعة (7م أو 07:30ص)"),
        ("/timezone Mars/Olympus", "لا أعرف المنطقة الزمنية «Mars/Olympus»"),
        ("/frobnicate", "لا أعرف هذا الأمر"),
        ("/broadcast hello", "لا أعرف هذا الأمر"),
        ("/subscribe <b>&", "لا أعرف موضوعًا باسم «<b>&»"),
    ],
)
async def test_bad_input_gets_a_reply_that_says_what_is_valid(
    bot: Harness, command: str, expected: str
) -> None:
    reply = await bot.say(ALICE, command)
    assert expected in reply["text"]
    assert bot.api.rejected == []


async def test_unknown_topic_reply_lists_the_topics(bot: Harness) -> None:
    reply = await bot.say(ALICE, "/unsubscribe nothing")
    assert "جنوب القوقاز" in reply["text"] and "الرياضة" in reply["text"]


async def test_english_readers_get_english(bot: Harness) -> None:
    reply = await bot.say(BOB, "/time 7:05", language="en")
    assert reply["text"] == "⏰ Your digest schedule: 07:05 · every day (Riyadh)."
    reply = await bot.say(BOB, "/subscribe Middle East", language="en")
    assert reply["text"] == "✅ Subscribed to “Middle East”. It will be in your next digest."


async def test_settings_commands(bot: Harness) -> None:
    assert "٠٧:٣٠" in (await bot.say(ALICE, "/time 07:30"))["text"]
    assert "باكو (UTC+4)" in (await bot.say(ALICE, "/timezone asia/baku"))["text"]
    assert "أوقفت الموجز" in (await bot.say(ALICE, "/pause"))["text"]
    assert "موقوف من قبل" in (await bot.say(ALICE, "/pause"))["text"]
    assert "استأنفت الموجز" in (await bot.say(ALICE, "/resume"))["text"]
    user = await bot.services.chats.get(ALICE)
    assert user is not None and user.timezone == "Asia/Baku"
    assert user.schedule.times == (time(7, 30),)
    await bot.say(ALICE, "/subscribe russia")
    mine = await bot.say(ALICE, "/mytopics")
    assert "روسيا" in mine["text"] and "٠٧:٣٠" in mine["text"]
    assert "موجز الآن: /digest" in (await bot.say(ALICE, "/help"))["text"]
