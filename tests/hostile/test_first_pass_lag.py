"""A bot's first ingestion pass after start holds the event loop no longer than any pass.

Two things used to happen on first use, inside that pass: the parser's process was started
from the event loop, which then waited for the forkserver to start and load the parser
(about 0.4 s), and the story filer compiled its entity layer in a thread, whose automaton
is built in Rust holding the interpreter lock (about 0.5 s), so the loop waited all the same.
Now the worker starts from a thread, and the entity layer is compiled with the filer, at
start-up, before anything is served.

It is measured in an interpreter of its own (tests/hostile/first_pass.py): in this one the
forkserver and the entity layer are warm already. A pass over two items has nothing to hold
the loop for, so it gets half the bound any pass has (issue 10): each old wait alone took
longer than that.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.feeds import rss, seed_item, sports_item
from tests.hostile.loop_lag import MAX_LAG
from tests.paths import ROOT


def test_the_first_ingestion_pass_after_start_does_not_hold_the_event_loop(
    tmp_path: Path,
) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text(rss([seed_item(), sports_item()]), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("BOT_TOKEN", None)
    done = subprocess.run(
        [sys.executable, "-m", "tests.hostile.first_pass", str(tmp_path), feed.as_uri()],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert (report["status"], report["new"]) == ("ok", 2), report
    assert report["lag"] < MAX_LAG / 2, report
