"""`mujaz run --role all|bot|ingest` (issue 14): an ingest process fetches, parses,
classifies and files stories without Telegram or the sender lease; a bot process answers,
plans and delivers without ingesting; the two side by side on one database are the whole
bot. Real processes against the fake Bot API and the local feed server."""

from __future__ import annotations

import signal
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

from bot.app import build_application
from bot.config import load_settings
from bot.roles import Role
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.feed_server import FeedServer
from tests.feeds import rss, seed_item
from tests.ops.bot_process import base_env, mujaz, mujaz_done, rows, run_bot, terminate, until

READER = 601


def feeds_file(feed_server: FeedServer, tmp_path: Path) -> Path:
    item = seed_item() | {"pubDate": format_datetime(datetime.now(UTC), usegmt=True)}
    url = feed_server.serve("/news.xml", rss([item]), content_type="application/rss+xml")
    path = tmp_path / "feeds.toml"
    path.write_text(f'[[feed]]\nname = "مصدر"\nurl = "{url}"\n', encoding="utf-8")
    return path


async def test_a_junk_role_is_refused_naming_the_roles(
    fake_bot_api: FakeBotAPI, tmp_path: Path
) -> None:
    done = await mujaz_done(base_env(fake_bot_api, tmp_path), tmp_path, "run", "--role", "<b>x")
    assert done.code == 2
    assert "'<b>x' is not a role; choose one of all, bot, ingest" in done.err
    assert fake_bot_api.requests == []


async def test_run_help_lists_the_roles(fake_bot_api: FakeBotAPI, tmp_path: Path) -> None:
    done = await mujaz_done(base_env(fake_bot_api, tmp_path), tmp_path, "run", "--help")
    assert done.code == 0
    assert "--role all|bot|ingest" in done.out


async def test_the_ingest_role_files_articles_without_telegram_or_the_lease(
    fake_bot_api: FakeBotAPI, feed_server: FeedServer, tmp_path: Path
) -> None:
    env = base_env(
        fake_bot_api, tmp_path, FEEDS_FILE=str(feeds_file(feed_server, tmp_path)),
        ALLOW_PRIVATE_FEEDS="1",
    )  # fmt: skip
    del env["BOT_TOKEN"]  # it needs none
    database = Path(env["DATABASE_PATH"])
    log = tmp_path / "ingest.log"
    process = await mujaz(env, tmp_path, log, "run", "--role", "ingest")
    try:
        await until(
            lambda: (
                bool(rows(database, "SELECT story_id FROM articles WHERE story_id IS NOT NULL"))
                or process.returncode is not None
            ),
            120,
            "an article filed in a story",
        )
        assert process.returncode is None, log.read_text(errors="replace")
    finally:
        status = await terminate(process)
    assert status == 0, log.read_text(errors="replace")[-3000:]
    assert feed_server.hits("/news.xml")
    assert fake_bot_api.requests == []  # no getMe, no polling, no sending
    assert rows(database, "SELECT * FROM sender_lease") == []


def jobs_of(role: Role, api: FakeBotAPI, tmp_path: Path) -> set[str]:
    settings = load_settings(
        bot_token=api.token, telegram_api_url=api.url, database_path=tmp_path / "m.db"
    )
    queue = build_application(settings, role=role).job_queue
    assert queue is not None
    return {str(job.name) for job in queue.jobs()}


def test_the_bot_role_schedules_no_ingestion(fake_bot_api: FakeBotAPI, tmp_path: Path) -> None:
    names = {role: jobs_of(role, fake_bot_api, tmp_path) for role in (Role.ALL, Role.BOT)}
    assert {"ingest", "prune"} <= names[Role.ALL]
    assert names[Role.BOT] == names[Role.ALL] - {"ingest", "prune"}
    assert "digests" in names[Role.BOT]


async def test_a_bot_and_an_ingest_process_on_one_database_deliver_what_was_ingested(
    fake_bot_api: FakeBotAPI, feed_server: FeedServer, tmp_path: Path
) -> None:
    api = fake_bot_api
    bot_env = base_env(api, tmp_path)  # FEEDS_FILE=/dev/null: feeds are the ingest side's
    ingest_env = base_env(
        api, tmp_path, FEEDS_FILE=str(feeds_file(feed_server, tmp_path)), ALLOW_PRIVATE_FEEDS="1"
    )
    database = Path(bot_env["DATABASE_PATH"])
    bot = await run_bot(api, bot_env, tmp_path, tmp_path / "bot.log", "--role", "bot")
    ingest = await mujaz(ingest_env, tmp_path, tmp_path / "ingest.log", "run", "--role", "ingest")
    try:
        await until(
            lambda: bool(
                rows(database, "SELECT story_id FROM articles WHERE story_id IS NOT NULL")
            ),
            120,
            "an article filed by the ingest process",
        )
        api.user_sends(READER, "/start")
        api.user_sends(READER, "/subscribe south_caucasus")
        await api.wait_for_messages(READER, 2, timeout=60)
        api.user_sends(READER, "/digest")
        await api.wait_for(
            lambda: any("باكو" in str(m.get("text")) for m in api.messages_to(READER)),
            timeout=60,
        )
        holders = rows(database, "SELECT pid FROM sender_lease")
        assert holders == [(bot.pid,)]  # the bot holds the lease; the ingest process does not
    finally:
        ingest.send_signal(signal.SIGTERM)
        bot_status = await terminate(bot)
        ingest_status = await ingest.wait()
    assert bot_status == 0, (tmp_path / "bot.log").read_text(errors="replace")[-3000:]
    assert ingest_status == 0, (tmp_path / "ingest.log").read_text(errors="replace")[-3000:]
