"""A group that became a supergroup keeps its readers' words: followed and muted phrases move
with its settings, whether or not the supergroup wrote to the bot first."""

from __future__ import annotations

import pytest

from storage.chats import ChatRepository
from storage.follows import FollowRepository
from storage.mutes import MuteRepository
from tests.backends import TestDatabase

OLD, NEW = -5, -1005


@pytest.mark.parametrize("supergroup_known", [False, True])
async def test_followed_and_muted_phrases_move_to_the_supergroup(
    database: TestDatabase, supergroup_known: bool
) -> None:
    db = await database.open()
    try:
        chats, follows, mutes = ChatRepository(db), FollowRepository(db), MuteRepository(db)
        await chats.ensure(OLD, language="ar", timezone="Asia/Riyadh", chat_type="group")
        if supergroup_known:
            await chats.ensure(NEW, language="ar", timezone="Asia/Riyadh", chat_type="supergroup")
        await chats.subscribe(OLD, "russia")
        await follows.add(OLD, phrase="كورسك", key="كورسك")
        await mutes.add(OLD, phrase="كرة القدم", key="كره القدم")
        await chats.migrate(OLD, NEW)
        assert await chats.topics(NEW) == ["russia"]
        assert await follows.of(NEW) == [("كورسك", "كورسك")]
        assert await mutes.of(NEW) == [("كره القدم", "كرة القدم")]
        assert await chats.get(OLD) is None
    finally:
        await db.close()
