"""The `mujaz` command as an operator runs it: a subprocess, real files, no network."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.feeds import SEED_URL, rss, seed_item, sports_item
from tests.paths import ROOT, seed_article


def mujaz(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "FEEDS_FILE": "/dev/null"}
    env["ALLOW_PRIVATE_FEEDS"] = "1"  # the feed server is on 127.0.0.1
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=cwd, env=env, input=stdin, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_classify_seed_article() -> None:
    title, body = seed_article()
    lines = [
        json.dumps({"id": "seed", "title": title, "text": body}, ensure_ascii=False),
        json.dumps({"id": 2, "title": "الهلال يفوز في الدوري", "text": "مباراة كرة القدم"}),
    ]
    result = mujaz("classify", cwd=ROOT, stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    seed, sport = (json.loads(line) for line in result.stdout.splitlines())
    assert seed["id"] == "seed"
    assert {"south_caucasus", "russia"} <= set(seed["topics"])
    assert "sports" not in seed["topics"]
    assert set(seed["scores"]) == set(seed["topics"])
    assert sport["topics"] == ["sports"]


def test_classify_reports_bad_lines_and_keeps_going() -> None:
    result = mujaz("classify", cwd=ROOT, stdin='not json\n[1]\n{"id": 3, "title": "باكو"}\n')
    assert result.returncode == 1
    assert "line 1" in result.stderr and "line 2" in result.stderr
    assert json.loads(result.stdout)["id"] == 3


def test_ingest_json_then_preview(tmp_path: Path) -> None:
    item = seed_item()
    del item["pubDate"]  # undated: stored as seen now, so it falls in the preview window
    feed = tmp_path / "news.xml"
    feed.write_text(rss([item, sports_item()], title="الجزيرة نت"), encoding="utf-8")

    result = mujaz("ingest", "--json", str(feed), str(tmp_path / "missing.xml"), cwd=tmp_path)
    assert result.returncode == 1
    assert "missing.xml" in result.stderr and "Traceback" not in result.stderr

    result = mujaz("ingest", "--json", str(feed), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        {"url": feed.as_uri(), "status": "ok", "entries": 2, "new": 2}
    ]

    result = mujaz("preview", "--topics", "south_caucasus,روسيا", "--since", "1h", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f'<a href="{SEED_URL}">' in result.stdout
    assert "📰 <b>موجزك</b>" in result.stdout
    assert "الهلال" not in result.stdout

    result = mujaz(
        "preview", "--topics", "sports", "--lang", "en", "--since", "3000d", cwd=tmp_path
    )
    assert "Your digest" in result.stdout and "الهلال يفوز" in result.stdout
    assert not any("\u0660" <= ch <= "\u0669" for ch in result.stdout)  # English: 0123

    result = mujaz("preview", "--topics", "quidditch", cwd=tmp_path)
    assert result.returncode == 1
    assert "unknown topic 'quidditch'" in result.stderr and "south_caucasus" in result.stderr


def test_topics_lists_the_catalog() -> None:
    result = mujaz("topics", cwd=ROOT)
    assert result.returncode == 0
    assert "south_caucasus" in result.stdout and "جنوب القوقاز" in result.stdout
    assert len(result.stdout.splitlines()) >= 12


def test_a_one_off_ingest_does_not_subscribe_the_bot_to_the_file(tmp_path: Path) -> None:
    item = seed_item()
    del item["pubDate"]
    feed = tmp_path / "once.xml"
    feed.write_text(rss([item], title="ملف"), encoding="utf-8")

    once = mujaz("ingest", "--json", str(feed), cwd=tmp_path)
    assert once.returncode == 0, once.stderr
    assert json.loads(once.stdout)[0]["new"] == 1

    # The next pass over the configured feeds does not fetch it: it was never added to them.
    again = mujaz("ingest", "--json", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout) == []
    listed = mujaz("feeds", "list", "--json", cwd=tmp_path)
    assert [f["enabled"] for f in json.loads(listed.stdout)] in ([], [False])
    # What it brought is stored all the same.
    shown = mujaz("preview", "--topics", "south_caucasus", "--since", "1h", cwd=tmp_path)
    assert f'<a href="{SEED_URL}">' in shown.stdout
