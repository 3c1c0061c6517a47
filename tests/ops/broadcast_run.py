"""A broadcast in flight in a `mujaz run` process, for the tests that stop it, back it up
and restore it: the audience, the ledger read from the side, copies per chat."""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path

from storage.db import Database
from tests.delivery.audience import known_to_telegram, seed_chats
from tests.delivery.scenario import audience
from tests.fakes.bot_api import FakeBotAPI


async def seeded_audience(api: FakeBotAPI, database: Path, users: int) -> set[int]:
    """Chats in the database and known to the fake (a few blocked, a few gone); returns all."""
    reachable, refusing, lost = audience(users, users // 20, users // 100)
    known_to_telegram(api, reachable, blocked=refusing)
    database.parent.mkdir(parents=True, exist_ok=True)
    db = await Database.open(database)
    try:
        await seed_chats(db, [*reachable, *refusing, *lost])
    finally:
        await db.close()
    return {*reachable, *refusing, *lost}


def ledger(database: Path) -> dict[int, str]:
    with sqlite3.connect(database, timeout=10) as conn:
        return dict(conn.execute("SELECT chat_id, status FROM broadcast_recipients").fetchall())


def copies(api: FakeBotAPI, chats: set[int]) -> Counter[int]:
    return Counter(m["chat"]["id"] for m in api.sent if m["chat"]["id"] in chats)
