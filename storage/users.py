"""Subscribers: their settings and their topics."""

from __future__ import annotations

from datetime import time
from typing import Any

from bot.models import User
from storage.db import Database, to_db_time, utc_now


class UserRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, chat_id: int) -> User | None:
        row = await self.db.fetchone("SELECT * FROM users WHERE chat_id = ?", (chat_id,))
        return _user(row) if row else None

    async def ensure(self, chat_id: int, *, language: str, timezone: str) -> User:
        """The user, created on first contact; a user who comes back is active again."""
        now = to_db_time(utc_now())
        await self.db.execute(
            "INSERT INTO users (chat_id, language, timezone, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (chat_id) DO UPDATE SET active = 1, updated_at = excluded.updated_at"
            " WHERE active = 0",
            (chat_id, language, timezone, now, now),
        )
        user = await self.get(chat_id)
        assert user is not None
        return user

    async def update(self, chat_id: int, **fields: Any) -> None:
        allowed = {"language", "timezone", "digest_time", "paused", "active", "last_article_id"}
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"not a user field: {unknown}")
        values = {k: _db_value(v) for k, v in fields.items()}
        assignments = ", ".join(f"{k} = ?" for k in values)
        await self.db.execute(
            f"UPDATE users SET {assignments}, updated_at = ? WHERE chat_id = ?",
            (*values.values(), to_db_time(utc_now()), chat_id),
        )

    async def topics(self, chat_id: int) -> list[str]:
        rows = await self.db.fetchall(
            "SELECT topic_id FROM subscriptions WHERE chat_id = ? ORDER BY created_at, rowid",
            (chat_id,),
        )
        return [r["topic_id"] for r in rows]

    async def subscribe(self, chat_id: int, topic_id: str) -> bool:
        """True when the subscription is new."""
        return (
            await self.db.execute(
                "INSERT OR IGNORE INTO subscriptions (chat_id, topic_id, created_at)"
                " VALUES (?, ?, ?)",
                (chat_id, topic_id, to_db_time(utc_now())),
            )
            == 1
        )

    async def unsubscribe(self, chat_id: int, topic_id: str) -> bool:
        """True when there was such a subscription."""
        return (
            await self.db.execute(
                "DELETE FROM subscriptions WHERE chat_id = ? AND topic_id = ?", (chat_id, topic_id)
            )
            == 1
        )

    async def toggle(self, chat_id: int, topic_id: str) -> bool:
        """Flip a subscription; True when the user is now subscribed."""
        if await self.unsubscribe(chat_id, topic_id):
            return False
        await self.subscribe(chat_id, topic_id)
        return True

    async def receiving(self) -> list[User]:
        """Users a scheduled digest may go to: active, not paused, with at least one topic."""
        rows = await self.db.fetchall(
            "SELECT * FROM users u WHERE active = 1 AND paused = 0"
            " AND EXISTS (SELECT 1 FROM subscriptions s WHERE s.chat_id = u.chat_id)"
        )
        return [_user(r) for r in rows]


def _db_value(value: Any) -> Any:
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, bool):
        return int(value)
    return value


def _user(row: Any) -> User:
    return User(
        chat_id=row["chat_id"],
        language=row["language"],
        timezone=row["timezone"],
        digest_time=time.fromisoformat(row["digest_time"]),
        paused=bool(row["paused"]),
        active=bool(row["active"]),
        last_article_id=row["last_article_id"],
    )
