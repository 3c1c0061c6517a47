"""Forum threads per topic: which chats send their digest in threads, and each topic's thread."""

from __future__ import annotations

from collections.abc import Mapping

from storage.backend import Backend


class ThreadRepository:
    def __init__(self, db: Backend) -> None:
        self.db = db

    async def switch(self, chat_id: int, on: bool) -> None:
        if on:
            await self.db.execute(
                "INSERT INTO forum_threads (chat_id, created_at) VALUES (?, ?)"
                " ON CONFLICT DO NOTHING",
                (chat_id, self.db.now()),
            )
        else:
            await self.db.execute("DELETE FROM forum_threads WHERE chat_id = ?", (chat_id,))

    async def is_on(self, chat_id: int) -> bool:
        row = await self.db.fetchone("SELECT 1 FROM forum_threads WHERE chat_id = ?", (chat_id,))
        return row is not None

    async def threads(self, chat_id: int) -> dict[str, int]:
        """Topic -> thread made for it (whether or not the mode is on)."""
        rows = await self.db.fetchall(
            "SELECT topic_id, thread_id FROM topic_threads WHERE chat_id = ?", (chat_id,)
        )
        return {r["topic_id"]: r["thread_id"] for r in rows}

    async def of_many(self, chat_ids: list[int]) -> dict[int, Mapping[str, int]]:
        """For the chats among `chat_ids` that send in threads: topic -> thread."""
        on = {
            r["chat_id"]
            for r in await self.db.fetch_in(
                "SELECT chat_id FROM forum_threads WHERE chat_id IN ({})", chat_ids
            )
        }
        found: dict[int, dict[str, int]] = {chat: {} for chat in on}
        for row in await self.db.fetch_in(
            "SELECT chat_id, topic_id, thread_id FROM topic_threads WHERE chat_id IN ({})",
            sorted(on),
        ):
            found[row["chat_id"]][row["topic_id"]] = row["thread_id"]
        return dict(found)

    async def keep(self, chat_id: int, topic_id: str, thread_id: int) -> None:
        await self.db.execute(
            "INSERT INTO topic_threads (chat_id, topic_id, thread_id) VALUES (?, ?, ?)"
            " ON CONFLICT (chat_id, topic_id) DO UPDATE SET thread_id = excluded.thread_id",
            (chat_id, topic_id, thread_id),
        )

    async def drop(self, chat_id: int, thread_id: int) -> None:
        """Forget a thread Telegram no longer has (deleted by an admin)."""
        await self.db.execute(
            "DELETE FROM topic_threads WHERE chat_id = ? AND thread_id = ?", (chat_id, thread_id)
        )
