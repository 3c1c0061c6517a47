"""The bot as `mujaz run` starts it, with a test clock, for tests that kill it with SIGKILL.

    MUJAZ_TEST_CLOCK_START=2026-11-30T07:29:50+00:00 MUJAZ_TEST_TICK=0.5 \\
        python -m tests.bot.clocked_bot

The clock starts at MUJAZ_TEST_CLOCK_START and runs at real speed, so a test can put
the bot a few seconds before a reader's digest minute, or after it, without waiting
for the wall clock; the digest tick runs every MUJAZ_TEST_TICK seconds.
"""

from __future__ import annotations

import os
import time
from datetime import datetime, timedelta

from telegram import Update

from bot.app import build_application
from bot.config import load_settings


def main() -> None:
    start = datetime.fromisoformat(os.environ["MUJAZ_TEST_CLOCK_START"])
    began = time.monotonic()

    def clock() -> datetime:
        return start + timedelta(seconds=time.monotonic() - began)

    tick = float(os.environ.get("MUJAZ_TEST_TICK", "0.5"))
    app = build_application(load_settings(), clock=clock, digest_tick_seconds=tick)
    app.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
