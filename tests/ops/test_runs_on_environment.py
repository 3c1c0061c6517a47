"""The bot runs on environment variables alone, as a container or a service unit starts
it: no `.env`, no config file, nothing written outside DATABASE_PATH's folder (not in the
working directory, not in HOME), and the token may come from a file instead."""

from __future__ import annotations

from pathlib import Path

from tests.fakes.bot_api import FakeBotAPI
from tests.ops.bot_process import base_env, run_bot, terminate

READER = 601


async def test_the_bot_runs_on_environment_variables_alone(
    fake_bot_api: FakeBotAPI, tmp_path: Path
) -> None:
    api = fake_bot_api
    workdir, home, secrets = tmp_path / "cwd", tmp_path / "home", tmp_path / "secrets"
    for folder in (workdir, home, secrets):
        folder.mkdir()
    token_file = secrets / "bot_token"
    token_file.write_text(api.token + "\n")
    env = base_env(api, tmp_path, HOME=str(home), BOT_TOKEN_FILE=str(token_file))
    del env["BOT_TOKEN"]
    log = tmp_path / "bot.log"
    bot = await run_bot(api, env, workdir, log)
    try:
        api.user_sends(READER, "/start")
        await api.wait_for_messages(READER, 1, timeout=30)
    finally:
        status = await terminate(bot)
    assert status == 0, log.read_text()[-2000:]
    assert list(workdir.iterdir()) == [] and list(home.iterdir()) == []
    data = Path(env["DATABASE_PATH"]).parent
    assert {p.name for p in data.iterdir()} <= {"mujaz.db", "mujaz.db-wal", "mujaz.db-shm"}
