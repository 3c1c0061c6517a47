"""A private instance's bookkeeping (ALLOWED_CHATS): whom it told it is private, the
@usernames chats were seen with, and which known chats it does not serve now."""

from __future__ import annotations

from collections.abc import Iterable

from storage.backend import Backend


class AccessRepository:
    def __init__(self, db: Backend) -> None:
        self.db = db

    async def tell_once(self, chat_id: int) -> bool:
        """True the first time a chat is turned away: only then is it told why."""
        changed = await self.db.execute(
            "INSERT INTO turned_away (chat_id, told_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
            (chat_id, self.db.now()),
        )
        return changed == 1

    async def remember_username(self, chat_id: int, username: str) -> None:
        await self.db.execute(
            "INSERT INTO chat_usernames (chat_id, username, seen_at) VALUES (?, ?, ?)"
            " ON CONFLICT (chat_id) DO UPDATE SET username = excluded.username,"
            " seen_at = excluded.seen_at",
            (chat_id, username.lower(), self.db.now()),
        )

    async def forget_username(self, chat_id: int) -> None:
        await self.db.execute("DELETE FROM chat_usernames WHERE chat_id = ?", (chat_id,))

    async def usernames(self) -> dict[int, str]:
        rows = await self.db.fetchall("SELECT chat_id, username FROM chat_usernames")
        return {r["chat_id"]: r["username"] for r in rows}

    async def known_chats(self) -> list[int]:
        rows = await self.db.fetchall("SELECT chat_id FROM users")
        return [r["chat_id"] for r in rows]

    async def set_unserved(self, chat_ids: Iterable[int]) -> None:
        """The known chats not served now, replacing what was recorded (empty: all served)."""
        async with self.db.transaction() as tx:
            await tx.execute("DELETE FROM unserved_chats")
            await tx.executemany(
                "INSERT INTO unserved_chats (chat_id) VALUES (?) ON CONFLICT DO NOTHING",
                [(chat_id,) for chat_id in chat_ids],
            )

    async def mark(self, chat_id: int, *, served: bool) -> None:
        if served:
            await self.db.execute("DELETE FROM unserved_chats WHERE chat_id = ?", (chat_id,))
        else:
            await self.db.execute(
                "INSERT INTO unserved_chats (chat_id) VALUES (?) ON CONFLICT DO NOTHING",
                (chat_id,),
            )
