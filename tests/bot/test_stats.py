"""/stats: the counts an admin needs, as text and as a chart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from storage.db import to_db_time
from tests.bot.digest_scenes import tick
from tests.bot.harness import FakeClock, start_bot
from tests.delivery.audience import seed_chats
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.feed_server import FeedServer
from tests.feeds import rss, seed_item, sports_item

ADMIN = 42


async def test_stats_reports_chats_topics_stories_and_feeds_with_a_chart(
    fake_bot_api: FakeBotAPI, tmp_path: Path, feed_server: FeedServer
) -> None:
    bot = await start_bot(fake_bot_api, tmp_path, admin_ids=frozenset({ADMIN}))
    try:
        services = bot.services
        await seed_chats(services.db, range(1, 6), topic="south_caucasus")
        await seed_chats(services.db, range(6, 8), topic="sports")
        await services.chats.update(6, paused=True)
        await services.chats.update(7, active=False)
        _feed, _ = await services.feeds.add(
            feed_server.serve("/n.xml", rss([seed_item(), sports_item()]))
        )
        await services.feeds.add(feed_server.url("/gone.xml"))
        await services.ingestor.run()
        await services.db.execute(
            "UPDATE articles SET published_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-1 hours')"
        )

        fake_bot_api.user_sends(ADMIN, "/stats")
        text, run, chart = await fake_bot_api.wait_for_messages(ADMIN, 3, timeout=20)
        body = text["text"]
        assert "المحادثات النشطة: ٦ (منها ١ أوقفت الموجز مؤقتًا)" in body
        assert "وحظرت البوت أو غادرت: ١" in body
        assert "• جنوب القوقاز: ٥ مشتركين · خبر واحد" in body
        assert "• الرياضة: مشترك واحد · خبر واحد" in body
        assert "المصادر: مصدران؛ تعمل ١، متعثرة ١" in body
        assert "لم تجرِ بعدُ جولة للموجز المجدول" in run["text"]
        assert chart["photo"] and "الأخبار يوميًا" in chart["caption"]
        (upload,) = [p["photo"] for m, p in fake_bot_api.requests if m == "sendPhoto"]
        assert upload.data.startswith(b"\x89PNG") and upload.size > 10_000
    finally:
        await bot.stop()


async def test_stats_shows_the_last_runs_lateness_and_what_paid_digests_cost(
    fake_bot_api: FakeBotAPI, tmp_path: Path, feed_server: FeedServer
) -> None:
    # PAID_DIGEST_RATE on: digests go with allow_paid_broadcast, 0.1 Star a message.
    clock = FakeClock(datetime.now(UTC).replace(microsecond=0))
    bot = await start_bot(
        fake_bot_api, tmp_path, clock=clock, admin_ids=frozenset({ADMIN}), paid_digest_rate=100
    )
    try:
        services = bot.services
        readers = range(1001, 1006)
        await seed_chats(services.db, readers, topic="south_caucasus")
        for chat_id in readers:
            fake_bot_api.add_chat(chat_id)
        feed, _ = await services.feeds.add(feed_server.serve("/n.xml", rss([seed_item()])))
        await services.ingestor.run([feed])
        # Their time, 08:00 in Riyadh, came three minutes ago.
        local = clock.now.astimezone(ZoneInfo("Asia/Riyadh"))
        due = local.replace(hour=8, minute=0, second=0)
        clock.now = (due if due <= local else due - timedelta(days=1)) + timedelta(minutes=3)
        await services.db.execute("UPDATE articles SET published_at = ?", (to_db_time(clock.now),))
        assert await tick(bot) == {"sent": 5}
        paid = [
            p
            for m, p in fake_bot_api.requests
            if m == "sendMessage" and p.get("chat_id") in readers
        ]
        assert len(paid) == 5 and all(p.get("allow_paid_broadcast") for p in paid)

        fake_bot_api.user_sends(ADMIN, "/stats", language_code="en")
        _text, run, _chart = await fake_bot_api.wait_for_messages(ADMIN, 3, timeout=20)
        assert "Last digest run" in run["text"] and ": 5 digests" in run["text"]
        assert "median 3.0 · 95% within 3.0 · max 3.0" in run["text"]
        assert "Digests sent paid: 5 (5 messages, 0.5 Stars)" in run["text"]
    finally:
        await bot.stop()
