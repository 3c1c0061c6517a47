"""One chat whose digest cannot be planned or made fails alone: every other chat due at
the same tick gets its digest, and the broken chat's row says it failed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.models import DigestKind
from tests.bot.digest_scenes import Scene, ingest, tick, undated
from tests.bot.harness import FakeClock, Harness
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.feed_server import FeedServer
from tests.feeds import SEED_URL, seed_item

GOOD, BROKEN_ZONE, BROKEN_LANGUAGE = 7001, 7002, 7003
AT = datetime(2026, 11, 30, 5, 0, 5, tzinfo=UTC)  # 08:00 in Riyadh


@pytest.fixture
def scene(fake_bot_api: FakeBotAPI, feed_server: FeedServer, tmp_path: Path) -> Scene:
    return Scene(fake_bot_api, feed_server, tmp_path, FakeClock(AT - timedelta(minutes=5)))


async def subscribe(bot: Harness, chat_id: int) -> None:
    await bot.say(chat_id, "/subscribe جنوب القوقاز")
    await bot.say(chat_id, "/time 08:00")


async def test_a_chat_with_a_vanished_zone_or_language_does_not_stop_the_others(
    scene: Scene,
) -> None:
    async with scene.start() as bot:
        await ingest(bot, scene.feeds, "news", [undated(seed_item())], at=AT - timedelta(hours=1))
        for chat_id in (BROKEN_ZONE, BROKEN_LANGUAGE, GOOD):
            await subscribe(bot, chat_id)
        # Rows as an older release or a tz database update could leave them.
        await bot.services.db.execute(
            "UPDATE users SET timezone = 'Mars/Olympus_Mons' WHERE chat_id = ?", (BROKEN_ZONE,)
        )
        await bot.services.db.execute(
            "UPDATE users SET language = 'xx' WHERE chat_id = ?", (BROKEN_LANGUAGE,)
        )
        scene.clock.now = AT
        counts = await tick(bot)
        assert counts == {"sent": 1, "error": 1}
        good = [m for m in scene.api.messages_to(GOOD) if SEED_URL in str(m.get("html"))]
        assert len(good) == 1
        period = "2026-11-30T08:00"
        deliveries = bot.services.deliveries
        assert await deliveries.status(BROKEN_LANGUAGE, DigestKind.SCHEDULED, period) == "failed"
        assert await deliveries.status(BROKEN_ZONE, DigestKind.SCHEDULED, period) is None
