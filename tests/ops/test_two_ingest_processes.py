"""Two `mujaz run --role ingest` on one database fetch each feed once per pass (issue 14):
the first pass claims its feeds (storage/feed_claims.py), so the second process, starting
while those fetches are still under way, finds none of them due. SQLite here; the same
claim on PostgreSQL is tested in tests/storage/test_feed_claims.py."""

from __future__ import annotations

import signal
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.feed_server import FeedServer
from tests.feeds import rss, seed_item
from tests.ops.bot_process import base_env, mujaz, rows, terminate, until

FEEDS = 6
# Seconds each feed takes to answer. A pass asks one host one feed at a time, so the first
# pass lasts FEEDS * SLOW: most of its feeds are still unanswered when the second starts.
SLOW = 3.0


async def test_two_ingest_processes_fetch_each_feed_once(
    fake_bot_api: FakeBotAPI, feed_server: FeedServer, tmp_path: Path
) -> None:
    item = seed_item() | {"pubDate": format_datetime(datetime.now(UTC), usegmt=True)}
    body = rss([item])
    paths = [f"/feed-{n}.xml" for n in range(FEEDS)]
    feeds = tmp_path / "feeds.toml"
    feeds.write_text(
        "".join(f'[[feed]]\nurl = "{feed_server.serve(p, body, delay=SLOW)}"\n' for p in paths),
        encoding="utf-8",
    )
    env = base_env(fake_bot_api, tmp_path, FEEDS_FILE=str(feeds), ALLOW_PRIVATE_FEEDS="1")
    database = Path(env["DATABASE_PATH"])
    first = await mujaz(env, tmp_path, tmp_path / "first.log", "run", "--role", "ingest")
    second = None
    try:
        await until(lambda: bool(feed_server.requests), 60, "the first pass fetching")
        second = await mujaz(
            {**env, "FEEDS_FILE": "/dev/null"}, tmp_path, tmp_path / "second.log",
            "run", "--role", "ingest",
        )  # fmt: skip
        await until(
            lambda: "role ingest: started" in (tmp_path / "second.log").read_text(errors="replace"),
            60,
            "the second process ingesting",
        )
        checked = "SELECT COUNT(*) FROM feeds WHERE last_checked_at IS NOT NULL"
        await until(lambda: rows(database, checked) == [(FEEDS,)], 120, "every feed checked")
        assert rows(database, checked) == [(FEEDS,)]
    finally:
        if second is not None:
            second.send_signal(signal.SIGTERM)
        status = await terminate(first)
        second_status = await second.wait() if second is not None else 0
    assert status == 0 and second_status == 0, (tmp_path / "second.log").read_text()[-2000:]
    hits = {path: len(feed_server.hits(path)) for path in paths}
    assert hits == dict.fromkeys(paths, 1)
