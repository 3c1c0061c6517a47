"""The bot token appears in no log line and no stored error, even when the Bot API address
redirects (aiohttp puts request URLs, which carry the token, into its error texts)."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from bot.core.secrets import redact
from tests.paths import ROOT

TOKEN = "1234567890:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw_secret"


@pytest.fixture
async def redirecting_api() -> AsyncIterator[str]:
    """A "Bot API" that sends every request round a redirect loop, URL and token included."""

    async def loop(request: web.Request) -> web.Response:
        raise web.HTTPFound(location=str(request.url))

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", loop)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


async def test_no_log_line_of_a_run_against_a_redirecting_api_shows_the_token(
    redirecting_api: str, tmp_path: Path
) -> None:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": redirecting_api,
        "DATABASE_PATH": str(tmp_path / "mujaz.db"),
        "FEEDS_FILE": "/dev/null",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run",
        env=env, cwd=tmp_path, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    try:
        output, _ = await asyncio.wait_for(process.communicate(), timeout=40)
    except TimeoutError:
        process.kill()
        output, _ = await process.communicate()
    text = output.decode(errors="replace")
    assert text.strip(), "the run logged nothing: this test would prove nothing"
    secret = TOKEN.split(":")[1]
    leaking = [line for line in text.splitlines() if secret in line]
    assert leaking == []


@pytest.mark.parametrize(
    "text",
    [
        f"https://api.telegram.org/bot{TOKEN}/sendMessage failed",
        f"400, message='', url='http://127.0.0.1:1/bot{TOKEN}/getMe'",
        f"token={TOKEN}",
    ],
)
def test_a_token_anywhere_in_a_text_is_hidden(text: str) -> None:
    assert TOKEN.split(":")[1] not in redact(text)
    assert "<bot-token>" in redact(text)


def test_ordinary_numbers_and_times_stay() -> None:
    text = "chat 123456789 at 12:30:45, id 100777:abc"
    assert redact(text) == text
