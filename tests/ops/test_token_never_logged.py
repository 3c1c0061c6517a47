"""The bot token appears in no log line of a whole run at DEBUG: start, a feed ingested,
a digest, a broadcast, an error with its traceback, and SIGTERM. At DEBUG every library
logs its request URLs, and a Bot API URL carries the token.

The run is the real `mujaz run`, in its own process, against the fake Bot API, and its
JSON lines must also carry the ids they are about as fields."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

import pytest

from tests.delivery.scenario import ADMIN, press_send, report_of
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.feed_server import FeedServer
from tests.feeds import rss, seed_item
from tests.ops.bot_process import base_env, rows, run_bot, terminate, until

TOKEN = "7123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawQ"
SECRET = TOKEN.split(":")[1]
READER, UNLUCKY = 501, 502


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    fake = FakeBotAPI(token=TOKEN)
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()


def parsed(line: str) -> dict[str, object]:
    try:
        record = json.loads(line)
    except ValueError:
        raise AssertionError(f"not a JSON line: {line[:500]!r}") from None
    assert isinstance(record, dict), line[:500]
    return record


def leaks(line: str) -> bool:
    return any(form in line for form in (SECRET, TOKEN.replace(":", "%3A"), SECRET[:20]))


@pytest.mark.parametrize("log_format", ["json", "text"])
async def test_a_full_run_at_debug_never_logs_the_token(
    api: FakeBotAPI, feed_server: FeedServer, tmp_path: Path, log_format: str
) -> None:
    item = seed_item() | {"pubDate": format_datetime(datetime.now(UTC), usegmt=True)}
    url = feed_server.serve("/news.xml", rss([item]), content_type="application/rss+xml")
    feeds = tmp_path / "feeds.toml"
    feeds.write_text(f'[[feed]]\nname = "مصدر"\nurl = "{url}"\n', encoding="utf-8")
    env = base_env(
        api,
        tmp_path,
        FEEDS_FILE=str(feeds),
        ALLOW_PRIVATE_FEEDS="1",
        ADMIN_IDS=str(ADMIN),
        LOG_LEVEL="DEBUG",
        LOG_FORMAT=log_format,
    )
    database = Path(env["DATABASE_PATH"])
    log = tmp_path / "bot.log"
    bot = await run_bot(api, env, tmp_path, log)
    try:
        # A feed ingested (the first ingest tick comes 5 s after the start).
        await until(lambda: bool(rows(database, "SELECT id FROM articles")), 120, "an article")
        # A digest, on request.
        api.user_sends(READER, "/start")
        api.user_sends(READER, "/subscribe south_caucasus")
        await api.wait_for_messages(READER, 2, timeout=60)
        api.user_sends(READER, "/digest")
        await api.wait_for(
            lambda: any("باكو" in str(m.get("text")) for m in api.messages_to(READER)),
            timeout=60,
        )
        # A broadcast, to every active chat.
        await press_send(api)
        await api.wait_for(lambda: report_of(api) is not None, timeout=120)
        # An error: Telegram refuses a reply, the handler fails, the traceback is logged.
        api.fail_next(
            "sendMessage", error_code=400, description="Bad Request: chat is weird", chat_id=UNLUCKY
        )
        api.user_sends(UNLUCKY, "/help")
        await until(lambda: "error while handling" in log.read_text(errors="replace"), 60, "error")
    finally:
        status = await terminate(bot, within=60)
    text = log.read_text(errors="replace")
    lines = text.splitlines()
    assert status == 0, text[-3000:]
    assert len(lines) > 100, "a DEBUG run says much more: this test would prove nothing"
    assert any("getUpdates" in line for line in lines)  # the libraries' request lines are in
    assert [line for line in lines if leaks(line)] == []
    if log_format == "json":
        records = [parsed(line) for line in lines]  # every line is one JSON object
        fields = {key for record in records for key in record}
        assert {"time", "level", "logger", "message"} <= fields
        assert {"chat_id", "feed_id", "delivery_id", "broadcast_id"} <= fields
        errors = [r for r in records if r["level"] == "ERROR" and r.get("chat_id") == UNLUCKY]
        assert errors and "Traceback" in str(errors[0]["exc_info"]), [
            r for r in records if r["level"] in {"ERROR", "CRITICAL"}
        ]
        about_the_reader = [r for r in records if r.get("chat_id") == READER]
        assert any(r.get("delivery_id") for r in about_the_reader)
