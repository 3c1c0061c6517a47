"""`mujaz` processes on one throwaway PostgreSQL (issue 14): their environment, and what
the fake Bot API saw of them."""

from __future__ import annotations

from pathlib import Path

from tests.fakes.bot_api import FakeBotAPI
from tests.ops.bot_process import base_env


def postgres_env(api: FakeBotAPI, tmp_path: Path, url: str, **more: str) -> dict[str, str]:
    """base_env on PostgreSQL: DATABASE_URL instead of DATABASE_PATH, a quick heartbeat."""
    env = base_env(api, tmp_path, DATABASE_URL=url, LEASE_HEARTBEAT_SECONDS="0.5", **more)
    del env["DATABASE_PATH"]
    return env


def polls(api: FakeBotAPI) -> int:
    """getUpdates requests so far, from any of the bots."""
    return sum(1 for method, _ in api.requests if method == "getUpdates")
