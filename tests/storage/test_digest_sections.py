"""What a restart does with a forum digest cut between its threads (storage/digest_sections.py)."""

from __future__ import annotations

from bot.models import DigestKind
from storage.deliveries import DeliveryRepository
from storage.digest_sections import SectionRepository
from tests.backends import TestDatabase


async def test_a_restart_finishes_open_digests_and_leaves_the_uncertain_ones(
    database: TestDatabase,
) -> None:
    db = await database.open()
    try:
        deliveries, sections = DeliveryRepository(db), SectionRepository(db)
        await db.execute(
            "INSERT INTO users (chat_id, language, timezone, created_at, updated_at)"
            " VALUES (-1, 'ar', 'UTC', '', '')"
        )
        rows = {}
        for name, states, row in [
            ("between", ["sent", "pending"], "sending"),
            ("all sent", ["sent", "sent"], "sending"),
            ("in flight", ["sent", "sending"], "sending"),
            ("failed", ["sent", "pending"], "failed"),
        ]:
            delivery = await deliveries.claim(-1, DigestKind.SCHEDULED, name)
            assert delivery is not None
            parts = [("russia", ["<b>x</b>"]), ("iran", ["<b>y</b>", "<b>z</b>"])]
            await sections.store(delivery, parts, window=(0, 9), stories=[4, 7])
            for seq, state in enumerate(states):
                await sections.mark(delivery, seq, state)
            await deliveries.mark(delivery, row)
            rows[name] = delivery

        resumable = {r.delivery_id: r for r in await sections.recover()}
        assert set(resumable) == {rows["between"], rows["all sent"]}
        between = resumable[rows["between"]]
        assert (between.window, between.stories, between.sent_messages) == ((0, 9), [4, 7], 1)
        assert [s.seq for s in await sections.remaining(rows["between"])] == [1]
        assert await sections.remaining(rows["all sent"]) == []
        assert await deliveries.recover() == (1, 0)  # only the one in flight is uncertain
    finally:
        await db.close()
