"""A database that cannot be used is one clear line for the operator, never a traceback
or a hang: a file that is no database, one from a newer Mujaz, a disk that fills up."""

from __future__ import annotations

import os
import resource
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.feeds import rss
from tests.paths import ROOT


def mujaz(
    *args: str, cwd: Path, file_size_limit: int | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    environment = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),
        "FEEDS_FILE": "/dev/null",
        "DATABASE_PATH": str(cwd / "mujaz.db"),
        **env,
    }

    def limit_file_size() -> None:  # runs in the child: writes past the limit fail (EFBIG)
        if file_size_limit is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))

    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=cwd, env=environment, capture_output=True, text=True, timeout=60,
        preexec_fn=limit_file_size,
    )  # fmt: skip


def one_clear_line(result: subprocess.CompletedProcess[str]) -> str:
    """The one line the command says about the failure (log warnings aside, e.g. about expat)."""
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    said = [line for line in lines if " WARNING " not in line]
    assert len(said) == 1, result.stderr
    return said[0]


@pytest.mark.parametrize("command", [["run"], ["ingest"], ["feeds", "list"]])
def test_a_file_that_is_no_database_is_one_line_and_exit_2(
    tmp_path: Path, command: list[str]
) -> None:
    (tmp_path / "mujaz.db").write_bytes(os.urandom(8192))
    result = mujaz(*command, cwd=tmp_path, BOT_TOKEN="1:x", TELEGRAM_API_URL="http://127.0.0.1:9")
    assert result.returncode == 2
    line = one_clear_line(result)
    assert "DATABASE_PATH" in line and "not a database" in line


def test_a_database_from_a_newer_release_refuses_to_start(tmp_path: Path) -> None:
    assert mujaz("feeds", "list", cwd=tmp_path).returncode == 0  # creates it, up to date
    with sqlite3.connect(tmp_path / "mujaz.db") as conn:
        conn.execute("INSERT INTO schema_migrations VALUES (9999, 'from_the_future', 'x')")
    result = mujaz("run", cwd=tmp_path, BOT_TOKEN="1:x", TELEGRAM_API_URL="http://127.0.0.1:9")
    assert result.returncode == 2
    line = one_clear_line(result)
    assert "9999" in line and "newer" in line


def test_a_disk_that_fills_up_during_ingest_is_one_line(tmp_path: Path) -> None:
    assert mujaz("feeds", "list", cwd=tmp_path).returncode == 0
    items = [
        {
            "title": f"خبر رقم {n} عن الاقتصاد والطاقة في المنطقة",
            "link": f"https://example.org/news/{n}",
            "guid": f"n{n}",
            "description": "<p>" + "نص طويل عن أسعار النفط والغاز في الأسواق. " * 60 + "</p>",
        }
        for n in range(400)
    ]
    feed = tmp_path / "big.xml"
    feed.write_text(rss(items), encoding="utf-8")
    used = sum(p.stat().st_size for p in tmp_path.glob("mujaz.db*"))
    result = mujaz("ingest", str(feed), cwd=tmp_path, file_size_limit=used + 64 * 1024)
    assert result.returncode == 1
    line = one_clear_line(result)
    assert "database" in line and ("full" in line or "I/O" in line), line
