"""`mujaz run` whose OPS_LISTEN address is taken stops at start with one line, exit 2."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

from tests.fakes.bot_api import FakeBotAPI
from tests.ops.bot_process import base_env, mujaz


async def test_an_ops_listen_address_in_use_stops_the_start_with_one_line(
    fake_bot_api: FakeBotAPI, tmp_path: Path
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = base_env(
            fake_bot_api,
            tmp_path,
            DATABASE_PATH=str(tmp_path / "mujaz.db"),
            OPS_LISTEN=f"127.0.0.1:{port}",
        )
        bot = await mujaz(env, tmp_path, tmp_path / "bot.log", "run")
        code = await asyncio.wait_for(bot.wait(), 60)
    log = (tmp_path / "bot.log").read_text()
    assert code == 2, log
    assert f"mujaz: OPS_LISTEN: cannot listen on 127.0.0.1:{port}:" in log
    assert "Traceback" not in log
