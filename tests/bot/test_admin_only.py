"""Admin commands do not exist for anyone else: the unknown-command reply, and nothing runs."""

from __future__ import annotations

from pathlib import Path

from handlers import ADMIN_COMMANDS
from tests.bot.harness import start_bot
from tests.delivery.audience import known_to_telegram, seed_chats
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.feed_server import FeedServer
from tests.feeds import rss, seed_item

ADMIN, STRANGER = 42, 77


async def test_a_stranger_sending_every_admin_command_only_gets_the_unknown_reply(
    fake_bot_api: FakeBotAPI, tmp_path: Path, feed_server: FeedServer
) -> None:
    # Some thirty commands and replies in one chat: its pace (one a second after a burst) and
    # the flood guard (tests/hostile/test_command_flood.py) are not tested here.
    bot = await start_bot(
        fake_bot_api,
        tmp_path,
        admin_ids=frozenset({ADMIN}),
        chat_send_rate=0,
        flood_commands=1000,
    )
    try:
        await seed_chats(bot.services.db, range(1, 11))
        known_to_telegram(fake_bot_api, range(1, 11))
        await bot.services.feeds.add(feed_server.serve("/news.xml", rss([seed_item()])))
        unknown = (await bot.say(STRANGER, "/nosuchcommand"))["html"]
        photo = fake_bot_api.user_sends(STRANGER, "صورة", photo=b"\x89PNG\r\n\x1a\n" + b"0" * 64)
        first = len(fake_bot_api.requests)
        sent = 0
        for name in sorted(ADMIN_COMMANDS):
            for text in (f"/{name}", f"/{name} topic:russia <b>نص</b>", f"/{name} 1"):
                assert (await bot.say(STRANGER, text))["html"] == unknown, text
                sent += 1
            before = len(fake_bot_api.messages_to(STRANGER))
            fake_bot_api.user_sends(STRANGER, f"/{name}", reply_to=photo)
            (answer,) = (await fake_bot_api.wait_for_messages(STRANGER, before + 1))[before:]
            assert answer["html"] == unknown
            sent += 1
        out = [(m, p) for m, p in fake_bot_api.requests[first:] if m != "getUpdates"]
        assert [m for m, _ in out] == ["sendMessage"] * sent
        assert all(p["chat_id"] == STRANGER and p["text"] == unknown for _, p in out)
        assert feed_server.requests == []  # /ingest did not run
        assert await bot.services.broadcasts.repo.get(1) is None  # no broadcast drafted
        assert all(not fake_bot_api.messages_to(chat_id) for chat_id in range(1, 11))
    finally:
        await bot.stop()
