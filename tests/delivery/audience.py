"""Chats for delivery tests: rows in the bot's database and chats the fake Bot API knows."""

from __future__ import annotations

from collections.abc import Iterable

from storage.backend import Backend
from storage.db import to_db_time, utc_now
from tests.fakes.bot_api import FakeBotAPI


async def seed_chats(
    db: Backend, chat_ids: Iterable[int], *, topic: str | None = None, language: str = "ar"
) -> None:
    """Active chats, as if each had sent /start (and subscribed to `topic`)."""
    now = to_db_time(utc_now())
    ids = list(chat_ids)
    async with db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO users (chat_id, language, timezone, created_at, updated_at)"
            " VALUES (?, ?, 'Asia/Riyadh', ?, ?) ON CONFLICT DO NOTHING",
            [(chat_id, language, now, now) for chat_id in ids],
        )
        if topic is not None:
            await conn.executemany(
                "INSERT INTO subscriptions (chat_id, topic_id, created_at)"
                " VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                [(chat_id, topic, now) for chat_id in ids],
            )


def known_to_telegram(
    api: FakeBotAPI, reachable: Iterable[int], *, blocked: Iterable[int] = ()
) -> None:
    """Chats the fake knows; `blocked` answer 403. Chats left out answer "chat not found"."""
    for chat_id in reachable:
        api.add_chat(chat_id)
    for chat_id in blocked:
        api.add_chat(chat_id)
        api.block(chat_id)
