"""A fresh bot's first ingestion pass, watched by the loop-lag probe (run by
test_first_pass_lag.py in an interpreter of its own, so nothing is warm yet).

`python -m tests.hostile.first_pass FOLDER FEED_URL` starts the services as the bot does
(not watched: nothing is served before start-up ends), ingests the one feed, and prints
{"status", "new", "lag", "raw", "over"} as one line of JSON.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from bot.config import load_settings
from bot.context import Services
from tests.hostile.loop_lag import LoopLag


async def first_pass(folder: Path, url: str) -> dict[str, object]:
    settings = load_settings(
        database_path=folder / "first-pass.db",
        feeds_file=folder / "none.toml",
        allow_private_feeds=True,
    )
    services = await Services.create(settings)
    try:
        feed, _ = await services.feeds.add(url)
        lag = LoopLag()
        async with lag.watching("the first ingestion pass"):
            (report,) = await services.ingestor.run([feed])
    finally:
        await services.close()
    return {
        "status": report.status,
        "new": report.new,
        "lag": lag.worst,
        "raw": lag.worst_raw,
        "over": lag.over,
    }


if __name__ == "__main__":  # the parser's forkserver imports this module again: only here
    print(json.dumps(asyncio.run(first_pass(Path(sys.argv[1]), sys.argv[2]))))
