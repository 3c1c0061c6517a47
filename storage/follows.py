"""Readers' own keywords (/follow, /unfollow)."""

from __future__ import annotations

from storage.backend import Backend


class FollowRepository:
    def __init__(self, db: Backend) -> None:
        self.db = db

    async def add(self, chat_id: int, *, phrase: str, key: str) -> bool:
        """True when the phrase is new for this chat."""
        changed = await self.db.execute(
            "INSERT INTO follows (chat_id, key, phrase, created_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            (chat_id, key, phrase, self.db.now()),
        )
        return changed == 1

    async def remove(self, chat_id: int, key: str) -> bool:
        return (
            await self.db.execute(
                "DELETE FROM follows WHERE chat_id = ? AND key = ?", (chat_id, key)
            )
            == 1
        )

    async def of(self, chat_id: int) -> list[tuple[str, str]]:
        """(key, phrase) pairs in the order they were added."""
        rows = await self.db.fetchall(
            "SELECT key, phrase FROM follows WHERE chat_id = ? ORDER BY created_at, rowid",
            (chat_id,),
        )
        return [(r["key"], r["phrase"]) for r in rows]

    async def of_many(self, chat_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
        found: dict[int, list[tuple[str, str]]] = {}
        rows = await self.db.fetch_in(
            "SELECT chat_id, key, phrase FROM follows WHERE chat_id IN ({})"
            " ORDER BY created_at, rowid",
            chat_ids,
        )
        for row in rows:
            found.setdefault(row["chat_id"], []).append((row["key"], row["phrase"]))
        return found
