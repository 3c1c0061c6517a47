"""Subscribers: their settings and their topics."""

from __future__ import annotations

import sys
from datetime import time
from functools import lru_cache
from typing import Any

from bot.core.language import sorted_languages
from bot.models import Chat, Digits, Schedule
from storage.backend import Backend


class ChatRepository:
    def __init__(self, db: Backend) -> None:
        self.db = db

    async def get(self, chat_id: int) -> Chat | None:
        row = await self.db.fetchone("SELECT * FROM users WHERE chat_id = ?", (chat_id,))
        return _chat(row) if row else None

    async def ensure(
        self,
        chat_id: int,
        *,
        language: str,
        timezone: str,
        chat_type: str = "private",
        title: str | None = None,
    ) -> Chat:
        """The chat's row, created on first contact; a chat that comes back is active again."""
        now = self.db.now()
        await self.db.execute(
            "INSERT INTO users (chat_id, language, timezone, chat_type, title, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (chat_id) DO UPDATE SET active = 1, updated_at = excluded.updated_at"
            " WHERE users.active = 0",
            (chat_id, language, timezone, chat_type, title, now, now),
        )
        user = await self.get(chat_id)
        assert user is not None
        return user

    async def update(self, chat_id: int, **fields: Any) -> None:
        values: dict[str, Any] = {}
        for name, value in fields.items():
            if name == "schedule":
                values.update(_schedule_columns(value))
            elif name in _UPDATABLE:
                values[name] = _db_value(value)
            else:
                raise ValueError(f"not a user field: {name}")
        assignments = ", ".join(f"{k} = ?" for k in values)
        await self.db.execute(
            f"UPDATE users SET {assignments}, updated_at = ? WHERE chat_id = ?",
            (*values.values(), self.db.now(), chat_id),
        )

    async def topics(self, chat_id: int) -> list[str]:
        rows = await self.db.fetchall(
            "SELECT topic_id FROM subscriptions WHERE chat_id = ? ORDER BY created_at, rowid",
            (chat_id,),
        )
        return [r["topic_id"] for r in rows]

    async def topics_of(self, chat_ids: list[int]) -> dict[int, list[str]]:
        """Topics of many chats at once, each in the order they were chosen."""
        topics: dict[int, list[str]] = {chat_id: [] for chat_id in chat_ids}
        rows = await self.db.fetch_in(
            "SELECT chat_id, topic_id FROM subscriptions WHERE chat_id IN ({})"
            " ORDER BY created_at, rowid",
            chat_ids,
        )
        for row in rows:
            topics[row["chat_id"]].append(row["topic_id"])
        return topics

    async def subscribe(self, chat_id: int, topic_id: str) -> bool:
        """True when the subscription is new."""
        return (
            await self.db.execute(
                "INSERT INTO subscriptions (chat_id, topic_id, created_at)"
                " VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                (chat_id, topic_id, self.db.now()),
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

    async def receiving(self) -> list[Chat]:
        """Chats a scheduled digest may go to: active, not paused, with a topic or a phrase."""
        rows = await self.db.fetchall(
            "SELECT * FROM users u WHERE active = 1 AND paused = 0"
            " AND chat_id NOT IN (SELECT chat_id FROM unserved_chats)"  # ALLOWED_CHATS
            " AND (EXISTS (SELECT 1 FROM subscriptions s WHERE s.chat_id = u.chat_id)"
            " OR EXISTS (SELECT 1 FROM follows f WHERE f.chat_id = u.chat_id))"
        )
        return [_chat(r) for r in rows]

    async def migrate(self, old_chat_id: int, new_chat_id: int) -> None:
        """A group became a supergroup (`migrate_to_chat_id`): its row and topics move there."""
        now = self.db.now()
        async with self.db.transaction() as tx:
            # parent and children move together
            await tx.execute(self.db.dialect.defer_foreign_keys())
            async with tx.execute("SELECT 1 FROM users WHERE chat_id = ?", (new_chat_id,)) as row:
                known = await row.fetchone() is not None
            if known:  # the supergroup wrote to us first: keep its row, add the old topics
                await tx.execute(
                    "INSERT INTO subscriptions (chat_id, topic_id, created_at)"
                    " SELECT ?, topic_id, created_at FROM subscriptions WHERE chat_id = ?"
                    " ON CONFLICT DO NOTHING",
                    (new_chat_id, old_chat_id),
                )
                for words in ("follows", "mutes"):  # the readers' own phrases move too
                    await tx.execute(
                        f"INSERT INTO {words} (chat_id, key, phrase, created_at)"
                        f" SELECT ?, key, phrase, created_at FROM {words} WHERE chat_id = ?"
                        " ON CONFLICT DO NOTHING",
                        (new_chat_id, old_chat_id),
                    )
                await tx.execute("DELETE FROM users WHERE chat_id = ?", (old_chat_id,))
            else:
                await tx.execute(
                    "UPDATE users SET chat_id = ?, chat_type = 'supergroup', updated_at = ?"
                    " WHERE chat_id = ?",
                    (new_chat_id, now, old_chat_id),
                )
                for table in ("subscriptions", "follows", "mutes"):
                    await tx.execute(
                        f"UPDATE {table} SET chat_id = ? WHERE chat_id = ?",
                        (new_chat_id, old_chat_id),
                    )
            await tx.execute(
                "UPDATE users SET editing_chat_id = ? WHERE editing_chat_id = ?",
                (new_chat_id, old_chat_id),
            )


_UPDATABLE = frozenset(
    (
        "language", "timezone", "paused", "active", "last_article_id", "digits", "max_items",
        "notify_empty", "chat_type", "title", "thread_id", "editing_chat_id", "languages",
        "silent", "link_preview",
    )
)  # fmt: skip


def _db_value(value: Any) -> Any:
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, frozenset):  # languages: "ar,en"
        return ",".join(sorted_languages(value)) or None
    return value


def _schedule_columns(schedule: Schedule) -> dict[str, Any]:
    return {
        "digest_times": ",".join(t.strftime("%H:%M") for t in schedule.times),
        "days": "".join(str(d) for d in sorted(schedule.days)),
        "quiet_start": schedule.quiet[0].strftime("%H:%M") if schedule.quiet else None,
        "quiet_end": schedule.quiet[1].strftime("%H:%M") if schedule.quiet else None,
    }


@lru_cache(maxsize=1024)
def _schedule(times: str, days: str, quiet_start: str | None, quiet_end: str | None) -> Schedule:
    """Schedules repeat across chats; one object per distinct schedule keeps big runs small."""
    quiet = None
    if quiet_start and quiet_end:
        quiet = (time.fromisoformat(quiet_start), time.fromisoformat(quiet_end))
    return Schedule(
        times=tuple(time.fromisoformat(t) for t in times.split(",")),
        days=frozenset(int(d) for d in days),
        quiet=quiet,
    )


def _chat(row: Any) -> Chat:
    return Chat(
        chat_id=row["chat_id"],
        language=sys.intern(row["language"]),
        timezone=sys.intern(row["timezone"]),
        schedule=_schedule(row["digest_times"], row["days"], row["quiet_start"], row["quiet_end"]),
        paused=bool(row["paused"]),
        active=bool(row["active"]),
        last_article_id=row["last_article_id"],
        digits=Digits(row["digits"]) if row["digits"] else None,
        max_items=row["max_items"],
        notify_empty=bool(row["notify_empty"]),
        chat_type=sys.intern(row["chat_type"]),
        title=row["title"],
        thread_id=row["thread_id"],
        editing_chat_id=row["editing_chat_id"],
        languages=_languages(row["languages"]),
        silent=bool(row["silent"]),
        link_preview=bool(row["link_preview"]),
    )


@lru_cache(maxsize=256)
def _languages(stored: str | None) -> frozenset[str] | None:
    return frozenset(stored.split(",")) if stored else None
