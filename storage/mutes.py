"""Readers' muted phrases (/mute, /unmute): stories naming them leave the chat's digest."""

from __future__ import annotations

from storage.backend import Backend


class MuteRepository:
    def __init__(self, db: Backend) -> None:
        self.db = db

    async def add(self, chat_id: int, *, phrase: str, key: str) -> bool:
        """True when the phrase is newly muted for this chat."""
        changed = await self.db.execute(
            "INSERT INTO mutes (chat_id, key, phrase, created_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            (chat_id, key, phrase, self.db.now()),
        )
        return changed == 1

    async def remove(self, chat_id: int, key: str) -> str | None:
        """Unmute; the phrase as it was muted, or None when it was not."""
        return await self._delete("key = ?", (chat_id, key))

    async def of(self, chat_id: int) -> list[tuple[str, str]]:
        """(key, phrase) pairs in the order they were muted."""
        rows = await self.db.fetchall(
            "SELECT key, phrase FROM mutes WHERE chat_id = ? ORDER BY created_at, rowid",
            (chat_id,),
        )
        return [(r["key"], r["phrase"]) for r in rows]

    async def listed(self, chat_id: int) -> list[tuple[int, str]]:
        """(row id, phrase) pairs, for buttons that unmute one (a key may not fit in one)."""
        rows = await self.db.fetchall(
            "SELECT rowid, phrase FROM mutes WHERE chat_id = ? ORDER BY created_at, rowid",
            (chat_id,),
        )
        return [(r["rowid"], r["phrase"]) for r in rows]

    async def remove_listed(self, chat_id: int, mute_id: int) -> str | None:
        """Unmute by row id, only within this chat; the phrase, or None if it was not there."""
        return await self._delete("rowid = ?", (chat_id, mute_id))

    async def _delete(self, where: str, params: tuple[int, int | str]) -> str | None:
        async with (
            self.db.transaction() as tx,
            tx.execute(
                f"DELETE FROM mutes WHERE chat_id = ? AND {where} RETURNING phrase", params
            ) as deleted,
        ):
            row = await deleted.fetchone()
        return str(row[0]) if row else None

    async def of_many(self, chat_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
        found: dict[int, list[tuple[str, str]]] = {}
        rows = await self.db.fetch_in(
            "SELECT chat_id, key, phrase FROM mutes WHERE chat_id IN ({})"
            " ORDER BY created_at, rowid",
            chat_ids,
        )
        for row in rows:
            found.setdefault(row["chat_id"], []).append((row["key"], row["phrase"]))
        return found

    async def phrases_in_use(self, chat_id: int) -> int:
        """Followed and muted phrases together: the two share one limit (MAX_PHRASES)."""
        row = await self.db.fetchone(
            "SELECT (SELECT COUNT(*) FROM follows WHERE chat_id = ?)"
            " + (SELECT COUNT(*) FROM mutes WHERE chat_id = ?)",
            (chat_id, chat_id),
        )
        return int(row[0]) if row else 0
