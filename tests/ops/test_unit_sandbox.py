"""The bot works inside the parts of deploy/mujaz.service's sandbox this machine can
reproduce without systemd: MemoryDenyWriteExecute (the kernel's PR_SET_MDWE: no memory
both writable and executable, ever), NoNewPrivileges (PR_SET_NO_NEW_PRIVS) and UMask=0077,
through a feed ingested in the parser's worker process, a digest, the /stats chart
(matplotlib) and SIGTERM. A library that needed W+X memory would crash here first."""

from __future__ import annotations

import asyncio
import ctypes
import os
import sys
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

import pytest

from tests.delivery.scenario import ADMIN
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.feed_server import FeedServer
from tests.feeds import rss, seed_item
from tests.ops.bot_process import base_env, rows, terminate, until

PR_SET_NO_NEW_PRIVS, PR_SET_MDWE, PR_GET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN = 38, 65, 66, 1
READER = 701


def sandbox() -> None:
    """Runs in the child between fork and exec; inherited by the parser's worker too."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "PR_SET_MDWE")
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "PR_SET_NO_NEW_PRIVS")
    os.umask(0o077)


def mdwe_works() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    return libc.prctl(PR_GET_MDWE, 0, 0, 0, 0) >= 0  # -1 (EINVAL) before Linux 6.3


@pytest.mark.skipif(not mdwe_works(), reason="PR_SET_MDWE needs Linux 6.3 or newer")
async def test_the_bot_runs_under_memory_deny_write_execute_and_no_new_privileges(
    fake_bot_api: FakeBotAPI, feed_server: FeedServer, tmp_path: Path
) -> None:
    api = fake_bot_api
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
        MPLCONFIGDIR=str(tmp_path / "mpl"),
    )
    database = Path(env["DATABASE_PATH"])
    log = tmp_path / "bot.log"
    with log.open("wb") as out:
        bot = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "run",
            env=env, cwd=tmp_path, stdout=out, stderr=out, preexec_fn=sandbox,
        )  # fmt: skip
    try:
        await until(lambda: bool(rows(database, "SELECT id FROM articles")), 60, "an article")
        api.user_sends(READER, "/start")
        api.user_sends(READER, "/subscribe south_caucasus")
        await api.wait_for_messages(READER, 2, timeout=30)
        api.user_sends(READER, "/digest")
        await api.wait_for(
            lambda: any("باكو" in str(m.get("text")) for m in api.messages_to(READER)),
            timeout=30,
        )
        api.user_sends(ADMIN, "/stats")
        await api.wait_for(lambda: any("photo" in m for m in api.messages_to(ADMIN)), timeout=60)
    finally:
        status = await terminate(bot)
    text = log.read_text(errors="replace")
    assert status == 0, text[-3000:]
    assert "Traceback" not in text and " ERROR " not in text, text[-3000:]
    assert database.stat().st_mode & 0o077 == 0
