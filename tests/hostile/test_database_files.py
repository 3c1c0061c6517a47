"""The database holds every reader's chat id: only its owner may read it."""

from __future__ import annotations

import stat
from pathlib import Path

from bot.config import load_settings
from bot.context import Services


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_a_new_database_and_its_folder_are_private(tmp_path: Path) -> None:
    path = tmp_path / "state" / "nested" / "mujaz.db"
    settings = load_settings(database_path=path, feeds_file=tmp_path / "none.toml")
    services = await Services.create(settings)
    try:
        await services.chats.ensure(1, language="ar", timezone="Asia/Riyadh")
        files = [p for p in path.parent.iterdir() if p.name.startswith("mujaz.db")]
        assert {p.name for p in files} >= {"mujaz.db", "mujaz.db-wal"}
        assert {p.name: mode(p) for p in files} == {p.name: 0o600 for p in files}
        assert mode(path.parent) == 0o700
    finally:
        await services.close()
