"""A feed that kills or hangs the parser's process fails alone: the process is replaced and
the next feed parses in a fresh one. The process leaves with the bot, even a killed bot.
An expat too old to be safe is reported at start."""

from __future__ import annotations

import asyncio
import logging
import os
import pyexpat
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.context import Services
from bot.ingest.parse import ParseFailed
from bot.ingest.parse_worker import ParserPool
from tests.feeds import rss, sports_item
from tests.hostile.faulty_parsers import CRASH, HANG, SLOW, crash_or_parse, hang_or_parse
from tests.paths import ROOT

FEED = rss([sports_item()]).encode()
URL = "https://x.example/feed.xml"


@pytest.fixture
async def crashing() -> AsyncIterator[ParserPool]:
    pool = ParserPool(target=crash_or_parse)
    yield pool
    await pool.close()


@pytest.fixture
async def hanging() -> AsyncIterator[ParserPool]:
    pool = ParserPool(target=hang_or_parse, timeout=3)
    yield pool
    await pool.close()


def alive(pid: int) -> bool:
    """The process exists and is not a zombie waiting to be reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


async def test_a_worker_that_dies_fails_only_its_feed(
    crashing: ParserPool, caplog: pytest.LogCaptureFixture
) -> None:
    assert (await crashing.parse(FEED, url=URL)).entries
    (first,) = crashing.pids()
    with pytest.raises(ParseFailed) as failed:
        await crashing.parse(CRASH, url="https://x.example/crash.xml")
    assert failed.value.status == "parser-crashed"
    assert any(r.levelno == logging.ERROR and "crash.xml" in r.getMessage() for r in caplog.records)
    assert len((await crashing.parse(FEED, url=URL)).entries) == 1
    (second,) = crashing.pids()
    assert second != first and not alive(first)
    assert crashing.restarts == 1


async def test_a_worker_killed_between_feeds_is_replaced_without_failing_a_feed(
    crashing: ParserPool,
) -> None:
    assert (await crashing.parse(FEED, url=URL)).entries
    (idle,) = crashing.pids()
    os.kill(idle, signal.SIGKILL)  # as the OOM killer would
    deadline = time.monotonic() + 5
    while Path(f"/proc/{idle}").exists() and time.monotonic() < deadline:
        await asyncio.sleep(0.02)  # until the forkserver has reaped it
    assert len((await crashing.parse(FEED, url=URL)).entries) == 1
    assert crashing.pids() != [idle]


async def test_feeds_waiting_behind_a_crash_still_parse(crashing: ParserPool) -> None:
    bodies = [FEED, CRASH, FEED, FEED, CRASH, FEED]
    results = await asyncio.gather(
        *(crashing.parse(b, url=f"https://x.example/{i}") for i, b in enumerate(bodies)),
        return_exceptions=True,
    )
    assert outcomes(results) == [1, "parser-crashed", 1, 1, "parser-crashed", 1]


async def test_a_parse_that_hangs_times_out_and_the_next_parses(hanging: ParserPool) -> None:
    assert (await hanging.parse(FEED, url=URL)).entries  # the worker is up: time the hang only
    (stuck,) = hanging.pids()
    started = time.monotonic()
    with pytest.raises(ParseFailed) as failed:
        await hanging.parse(HANG, url="https://x.example/hang.xml")
    assert failed.value.status == "parse-timeout"
    assert time.monotonic() - started < 3 + 2
    assert len((await hanging.parse(FEED, url=URL)).entries) == 1
    assert hanging.pids() != [stuck]
    deadline = time.monotonic() + 5
    while alive(stuck) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    assert not alive(stuck)


def outcomes(results: list[object]) -> list[object]:
    """Per feed: its number of entries, or the status it failed with."""
    return [
        r.status if isinstance(r, ParseFailed) else len(r.entries)  # type: ignore[attr-defined]
        for r in results
    ]


async def test_feeds_queued_behind_a_hung_one_still_parse(hanging: ParserPool) -> None:
    assert (await hanging.parse(FEED, url=URL)).entries
    bodies = [HANG, FEED, FEED]
    results = await asyncio.gather(
        *(hanging.parse(b, url=f"https://x.example/{i}") for i, b in enumerate(bodies)),
        return_exceptions=True,
    )
    assert outcomes(results) == ["parse-timeout", 1, 1]


async def test_each_feed_gets_its_own_time_however_long_the_queue(hanging: ParserPool) -> None:
    assert (await hanging.parse(FEED, url=URL)).entries
    # 1.5 s each against a 3 s limit: the last one waits 3 s in the queue, and is on time.
    results = await asyncio.gather(
        *(hanging.parse(SLOW, url=f"https://x.example/{i}") for i in range(3)),
        return_exceptions=True,
    )
    assert outcomes(results) == [0, 0, 0]
    assert hanging.restarts == 0


async def test_closing_does_not_wait_for_a_hung_parse(hanging: ParserPool) -> None:
    assert (await hanging.parse(FEED, url=URL)).entries
    (stuck,) = hanging.pids()
    hung = asyncio.create_task(hanging.parse(HANG, url="https://x.example/hang.xml"))
    await asyncio.sleep(0.3)
    started = time.monotonic()
    await hanging.close()
    assert time.monotonic() - started < 2  # well before the 3 s timeout
    with pytest.raises(ParseFailed):
        await hung
    assert not alive(stuck)


BOT = """
import asyncio
from bot.ingest.parse_worker import ParserPool
from tests.feeds import rss, sports_item

async def main():
    pool = ParserPool()
    await pool.parse(rss([sports_item()]).encode(), url="https://x.example/f")
    print(*pool.pids(), flush=True)
    await asyncio.sleep(3600)

asyncio.run(main())
"""


def descendants(root: int) -> set[int]:
    """Every process whose chain of parents reaches `root`."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_parser_processes_exit_when_the_bot_is_killed() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    bot = subprocess.Popen(
        [sys.executable, "-c", BOT], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert bot.stdout is not None
        worker = int(bot.stdout.readline())
        children = descendants(bot.pid)
        # The forkserver, its worker, and multiprocessing's resource tracker.
        assert worker in children and len(children) >= 2
    finally:
        bot.send_signal(signal.SIGKILL)
        bot.wait()
    deadline = time.monotonic() + 10
    while any(map(alive, children)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in children if alive(pid)]


@pytest.mark.parametrize(("version", "warned"), [((2, 5, 0), True), ((2, 7, 1), False)])
async def test_an_old_expat_is_reported_at_start(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    version: tuple[int, int, int],
    warned: bool,
) -> None:
    monkeypatch.setattr(pyexpat, "version_info", version)
    caplog.set_level(logging.WARNING)
    settings = load_settings(database_path=tmp_path / "t.db", feeds_file=tmp_path / "none.toml")
    services = await Services.create(settings)
    await services.close()
    warnings = [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.WARNING and "expat" in r.getMessage()
    ]
    assert bool(warnings) == warned
    if warned:
        assert "2.5.0" in warnings[0] and "2.7.0" in warnings[0]
