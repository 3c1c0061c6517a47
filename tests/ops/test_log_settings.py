"""LOG_LEVEL and LOG_FORMAT: checked at start, and obeyed."""

from __future__ import annotations

import io
import json
import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.logs import about, configure
from tests.test_config import mujaz

TOKEN = "7123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawQ"


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    root = logging.getLogger()
    handlers, level, hook = root.handlers[:], root.level, sys.excepthook
    yield stream
    root.handlers[:] = handlers
    root.setLevel(level)
    sys.excepthook = hook
    logging.captureWarnings(False)


def test_a_bad_log_level_stops_the_start_with_one_line(tmp_path: Path) -> None:
    done = mujaz("run", env={"BOT_TOKEN": TOKEN, "LOG_LEVEL": "LOUD"}, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "mujaz: LOG_LEVEL: 'LOUD' is not one of DEBUG, INFO, WARNING, ERROR, CRITICAL"
    ]


def test_a_bad_log_format_is_named(tmp_path: Path) -> None:
    done = mujaz("run", env={"BOT_TOKEN": TOKEN, "LOG_FORMAT": "xml"}, cwd=tmp_path)
    assert done.returncode == 2 and done.stderr.startswith("mujaz: LOG_FORMAT:")


def test_json_lines_carry_the_ids_of_the_work_they_are_about(captured: io.StringIO) -> None:
    configure("INFO", "json", secrets=(TOKEN,), stream=captured)
    log = logging.getLogger("mujaz.test")
    with about(broadcast_id=7):
        with about(chat_id=42):
            log.info("sent to %s", 42)
        log.warning("url https://api.telegram.org/bot%s/sendMessage", TOKEN)
    log.info("outside", extra={"feed_id": 3})
    first, second, third = (json.loads(line) for line in captured.getvalue().splitlines())
    assert first["message"] == "sent to 42"
    assert (first["chat_id"], first["broadcast_id"]) == (42, 7)
    assert "chat_id" not in second and second["broadcast_id"] == 7
    assert TOKEN not in second["message"] and "<bot-token>" in second["message"]
    assert third["feed_id"] == 3 and "broadcast_id" not in third


def test_a_traceback_is_hidden_too(captured: io.StringIO) -> None:
    configure("INFO", "text", secrets=(TOKEN,), stream=captured)
    try:
        raise RuntimeError(f"POST http://127.0.0.1/bot{TOKEN}/getMe failed")
    except RuntimeError:
        logging.getLogger("mujaz.test").exception("it failed")
    out = captured.getvalue()
    assert "Traceback" in out and "<bot-token>/getMe" in out
    assert TOKEN.split(":")[1] not in out


def test_the_level_drops_what_is_below_it(captured: io.StringIO) -> None:
    configure("WARNING", "text", stream=captured)
    log = logging.getLogger("mujaz.test")
    log.info("quiet")
    log.warning("loud")
    assert "loud" in captured.getvalue() and "quiet" not in captured.getvalue()


def test_a_crash_outside_any_logger_is_one_hidden_log_line(captured: io.StringIO) -> None:
    configure("INFO", "json", secrets=(TOKEN,), stream=captured)
    try:
        raise ConnectionError(f"http://127.0.0.1/bot{TOKEN}/getUpdates refused")
    except ConnectionError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    (line,) = captured.getvalue().splitlines()
    record = json.loads(line)
    assert record["level"] == "CRITICAL" and "ConnectionError" in record["exc_info"]
    assert TOKEN.split(":")[1] not in line
