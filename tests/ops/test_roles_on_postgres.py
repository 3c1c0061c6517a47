"""Two `mujaz run --role ingest` and one `mujaz run --role bot` on one PostgreSQL (issue 14):
the ingest processes split the due feeds (each feed fetched once in the pass, the second
process starting while the first's fetches are under way), and the bot, which fetches
nothing, sends every subscriber the digest of what they filed, once, through the fake Bot
API."""

from __future__ import annotations

import asyncio
import signal
from collections import Counter
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from bot.config import load_settings
from bot.context import Services
from tests.backends import TestDatabase
from tests.delivery.audience import known_to_telegram, seed_chats
from tests.delivery.scenario import audience
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.feed_server import FeedServer
from tests.feeds import SEED_URL, rss, seed_item
from tests.ops.bot_process import mujaz, run_bot, terminate, until
from tests.ops.postgres_roles import postgres_env

FEEDS = 4
SLOW = (
    2.0  # seconds each feed takes to answer: the first pass is still fetching at the second's start
)
CHATS, BLOCKED = 30, 2
TIMEOUT = 120


def digests(api: FakeBotAPI) -> Counter[int]:
    return Counter(m["chat"]["id"] for m in api.sent if SEED_URL in str(m.get("html")))


async def test_two_ingest_processes_and_a_bot_fetch_each_feed_once_and_send_each_digest_once(
    fake_bot_api: FakeBotAPI, feed_server: FeedServer, tmp_path: Path, empty_postgres: str
) -> None:
    api = fake_bot_api
    database = TestDatabase("postgresql", tmp_path / "unused.db", empty_postgres)
    reachable, blocked, _ = audience(CHATS, BLOCKED, 0)
    known_to_telegram(api, reachable, blocked=blocked)
    later = (datetime.now(UTC) + timedelta(hours=3)).strftime("%H:%M")  # not due yet
    services = await Services.create(load_settings(database_url=empty_postgres, bot_token=None))
    try:
        await seed_chats(services.db, [*reachable, *blocked], topic="south_caucasus")
        await services.db.execute("UPDATE users SET timezone = 'UTC', digest_times = ?", (later,))
    finally:
        await services.close()

    item = seed_item() | {"pubDate": format_datetime(datetime.now(UTC), usegmt=True)}
    paths = [f"/feed-{n}.xml" for n in range(FEEDS)]
    feeds = tmp_path / "feeds.toml"
    feeds.write_text(
        "".join(
            f'[[feed]]\nurl = "{feed_server.serve(p, rss([item]), delay=SLOW)}"\n' for p in paths
        ),
        encoding="utf-8",
    )
    env = postgres_env(api, tmp_path, empty_postgres, ALLOW_PRIVATE_FEEDS="1")
    bot = await run_bot(api, env, tmp_path, tmp_path / "bot.log", "--role", "bot")
    first = second = None
    try:
        first = await mujaz(
            {**env, "FEEDS_FILE": str(feeds)}, tmp_path, tmp_path / "ingest-1.log",
            "run", "--role", "ingest",
        )  # fmt: skip
        await until(lambda: bool(feed_server.requests), 60, "the first pass fetching")
        second = await mujaz(env, tmp_path, tmp_path / "ingest-2.log", "run", "--role", "ingest")
        second_log = tmp_path / "ingest-2.log"
        await until(
            lambda: "role ingest: started" in second_log.read_text("utf-8", "replace"),
            60,
            "the second process ingesting",
        )
        checked = "SELECT COUNT(*) FROM feeds WHERE last_checked_at IS NOT NULL"
        try:
            await until(lambda: database.rows(checked) == [(FEEDS,)], TIMEOUT, "every feed checked")
        except AssertionError:
            state = database.rows("SELECT id, next_check_at, last_error FROM feeds")
            raise AssertionError(f"feeds {state}, fetched {feed_server.requests}") from None
        assert database.rows("SELECT COUNT(*) FROM articles") == [(1,)]  # one story, 4 feeds

        now = datetime.now(UTC).strftime("%H:%M")  # the readers' digest time comes
        database.rows("UPDATE users SET digest_times = ? RETURNING chat_id", (now,))
        ledger = "SELECT status, COUNT(*) FROM deliveries WHERE kind = 'digest' GROUP BY status"
        await until(
            lambda: dict(database.rows(ledger)) == {"sent": len(reachable), "blocked": BLOCKED},
            TIMEOUT,
            "every digest sent",
        )
    finally:
        for process in (first, second):
            if process is not None:
                process.send_signal(signal.SIGTERM)
        # Signalled once, as Docker and systemd do: a second SIGTERM would race its exit.
        statuses = [await terminate(bot)] + [
            await asyncio.wait_for(p.wait(), 30) for p in (first, second) if p is not None
        ]
    assert statuses == [0, 0, 0], (tmp_path / "bot.log").read_text()[-2000:]
    hits = {path: len(feed_server.hits(path)) for path in paths}
    assert hits == dict.fromkeys(paths, 1)  # each feed once in the pass, by one process
    got = digests(api)
    assert {chat: got[chat] for chat in reachable} == dict.fromkeys(reachable, 1)
    assert not any(got[chat] for chat in blocked)
    bot_log = (tmp_path / "bot.log").read_text("utf-8", "replace")
    assert "role ingest" not in bot_log and not any(
        "feed-" in str(params) for method, params in api.requests
    )
