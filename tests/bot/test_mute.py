"""/mute and /unmute through the real Application and the fake Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.core.phrases import MAX_PHRASES
from tests.bot.digest_scenes import ingest, tick, undated
from tests.bot.harness import FakeClock, Harness, running
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.feed_server import FeedServer
from tests.feeds import SEED_URL, seed_item, sports_item

READER, OTHER = 5001, 5002
START = datetime(2026, 11, 30, 9, 58, 10, tzinfo=UTC)  # 12:58:10 in Riyadh
SPORTS_URL = sports_item()["link"]


@pytest.fixture
async def bot(fake_bot_api: FakeBotAPI, tmp_path: Path) -> AsyncIterator[Harness]:
    clock = FakeClock(START)
    async with running(fake_bot_api, tmp_path, clock=clock, flood_commands=100) as harness:
        yield harness


def digest_html(api: FakeBotAPI, chat_id: int) -> str:
    return "\n".join(
        str(m["html"]) for m in api.messages_to(chat_id) if "موجزك" in str(m.get("text"))
    )


async def test_a_muted_phrase_keeps_its_stories_out_of_that_readers_digest_only(
    bot: Harness, feed_server: FeedServer
) -> None:
    # The seed (Baku) and a match of the Saudi league, both published an hour ago.
    items = [undated(seed_item()), undated(sports_item())]
    await ingest(bot, feed_server, "outlet", items, at=START - timedelta(hours=1))
    for reader in (READER, OTHER):
        await bot.say(reader, "/subscribe south_caucasus")
        await bot.say(reader, "/subscribe sports")
        await bot.say(reader, "/time 13:00")
    # The league is named in the sports story's headline; the seed names it nowhere.
    reply = await bot.say(READER, "/mute الدوري السعودي")
    assert "كتمت «الدوري السعودي»" in reply["text"]
    assert "من قبل" in (await bot.say(READER, "/mute الدوري  السعودي"))["text"]

    bot.clock.now = START + timedelta(minutes=2)
    assert await tick(bot) == {"sent": 2}
    assert SEED_URL in digest_html(bot.api, READER)
    assert SPORTS_URL not in digest_html(bot.api, READER)
    assert SPORTS_URL in digest_html(bot.api, OTHER)  # the other reader muted nothing
    assert bot.api.rejected == []


async def test_junk_mute_arguments_get_a_clear_reply(bot: Harness) -> None:
    for junk, expected in [
        ("/mute", "اكتم كلمة أو عبارة"),
        ("/mute في", "شائعة تظهر في كل الأخبار"),
        ("/mute 123", "ليس كلمة"),
        ("/mute !!!", "ليس كلمة"),
        ("/mute ب", "قصيرة جدًا"),
        ("/mute Москва", "بحروف عربية أو لاتينية"),
        ("/mute " + "كلمة " * 8, "٤ كلمات على الأكثر"),
        ("/mute " + "ب" * 300, "٥٠ حرفًا على الأكثر"),
        ("/unmute", "لم تكتم أي كلمة بعد"),
        ("/unmute زنغزور", "لم تكتم «زنغزور»"),
        ("/unmute ؟؟؟", "لم تكتم «؟؟؟»"),
    ]:
        assert expected in (await bot.say(READER, junk))["text"], junk
    english = await bot.say(READER, "/mute", language="en")
    assert "Mute a word or phrase" in english["text"]
    assert bot.api.rejected == []


async def test_unmute_lists_muted_phrases_with_a_button_each_that_removes_it(
    bot: Harness,
) -> None:
    await bot.say(READER, "/mute كرة القدم")
    await bot.say(READER, "/mute Zangezur & co")
    listing = await bot.say(READER, "/unmute")
    assert "كرة القدم" in listing["text"] and "Zangezur &amp; co" in str(listing["html"])
    buttons = [b for row in listing["reply_markup"]["inline_keyboard"] for b in row]
    assert [b["text"] for b in buttons] == ["🔊 \u200fكرة القدم", "🔊 \u200fZangezur & co"]

    bot.api.user_presses(READER, listing, buttons[0]["callback_data"])
    await bot.api.wait_for(lambda: len(bot.api.callback_answers) == 1)
    assert "ألغيت كتم «كرة القدم»" in bot.api.callback_answers[0]["text"]
    await bot.api.wait_for(lambda: "كرة القدم" not in bot.api.messages_to(READER)[-1]["text"])
    redrawn = bot.api.messages_to(READER)[-1]
    assert [b["text"] for row in redrawn["reply_markup"]["inline_keyboard"] for b in row] == [
        "🔊 \u200fZangezur & co"
    ]
    assert [phrase for _, phrase in await bot.services.mutes.of(READER)] == ["Zangezur & co"]

    # The same button again (an out-of-date client): nothing left to remove, said politely.
    bot.api.user_presses(READER, listing, buttons[0]["callback_data"], allow_stale=True)
    await bot.api.wait_for(lambda: len(bot.api.callback_answers) == 2)
    assert "لم تعد مكتومة" in bot.api.callback_answers[1]["text"]
    # A forged button naming another chat's mute removes nothing of theirs.
    await bot.say(OTHER, "/mute الدوري السعودي")
    ((other_id, _),) = await bot.services.mutes.listed(OTHER)
    bot.api.user_presses(READER, listing, f"mu:x:{other_id}", allow_stale=True)
    await bot.api.wait_for(lambda: len(bot.api.callback_answers) == 3)
    assert len(await bot.services.mutes.of(OTHER)) == 1

    assert "ألغيت كتم «Zangezur & co»" in (await bot.say(READER, "/unmute zangezur & CO"))["text"]
    assert await bot.services.mutes.of(READER) == []
    assert bot.api.rejected == []


async def test_follows_and_mutes_share_one_limit_and_never_name_the_same_phrase(
    bot: Harness,
) -> None:
    assert (
        "أنت تتابع «كورسك»"
        in (await bot.say(READER, "/follow كورسك") and await bot.say(READER, "/mute كورسك"))["text"]
    )
    assert (
        "كتمت «باكو» من قبل"
        in (await bot.say(READER, "/mute باكو") and await bot.say(READER, "/follow باكو"))["text"]
    )
    for n in range(MAX_PHRASES - 2):  # a follow and a mute already
        await bot.services.mutes.add(READER, phrase=f"كلمة{n}", key=f"كلمة{n}")
    assert "الحد الأقصى" in (await bot.say(READER, "/mute تبليسي"))["text"]
    assert "الحد الأقصى" in (await bot.say(READER, "/follow تبليسي"))["text"]
    await bot.say(READER, "/unmute باكو")
    assert "سأتابع «تبليسي»" in (await bot.say(READER, "/follow تبليسي"))["text"]


async def test_in_a_group_only_its_admins_mute_and_unmute(bot: Harness) -> None:
    api, group, admin, member = bot.api, -100551, 5003, 5004
    api.add_chat(group, "supergroup", title="نادي الأخبار")
    api.set_member_status(group, admin, "administrator")
    api.set_member_status(group, member, "member")

    async def in_group(user: int, text: str) -> dict[str, Any]:
        before = len(api.messages_to(group))
        api.user_sends(user, text, chat_type="supergroup", chat_id=group)
        return (await api.wait_for_messages(group, before + 1))[before]

    assert "لمشرفيها فقط" in (await in_group(member, "/mute كرة القدم"))["text"]
    assert "كتمت «كرة القدم»" in (await in_group(admin, "/mute كرة القدم"))["text"]
    listing = await in_group(admin, "/unmute")
    (button,) = [b for row in listing["reply_markup"]["inline_keyboard"] for b in row]
    api.user_presses(member, listing, button["callback_data"])
    await api.wait_for(lambda: len(api.callback_answers) == 1)
    assert "لمشرفيها فقط" in api.callback_answers[0]["text"]
    assert len(await bot.services.mutes.of(group)) == 1
    api.user_presses(admin, listing, button["callback_data"])
    await api.wait_for(lambda: len(api.callback_answers) == 2)
    assert await bot.services.mutes.of(group) == []
    assert api.rejected == []
