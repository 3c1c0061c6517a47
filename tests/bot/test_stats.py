"""/stats: the counts an admin needs, as text and as a chart."""

from __future__ import annotations

from pathlib import Path

from tests.bot.harness import start_bot
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
        text, chart = await fake_bot_api.wait_for_messages(ADMIN, 2, timeout=20)
        body = text["text"]
        assert "المحادثات النشطة: ٦ (منها ١ أوقفت الموجز مؤقتًا)" in body
        assert "وحظرت البوت أو غادرت: ١" in body
        assert "• جنوب القوقاز: ٥ مشتركين · خبر واحد" in body
        assert "• الرياضة: مشترك واحد · خبر واحد" in body
        assert "المصادر: مصدران؛ تعمل ١، متعثرة ١" in body
        assert chart["photo"] and "الأخبار يوميًا" in chart["caption"]
        (upload,) = [p["photo"] for m, p in fake_bot_api.requests if m == "sendPhoto"]
        assert upload.data.startswith(b"\x89PNG") and upload.size > 10_000
    finally:
        await bot.stop()
