"""`mujaz feeds …` as an operator runs it, OPML both ways, retention, the per-feed interval."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import load_settings
from bot.context import Services
from bot.ingest.feedlist import FeedSpec, parse_feed_list, to_opml
from bot.ingest.manage import FeedManager
from bot.ingest.pipeline import Ingestor
from tests.fakes.feed_server import FeedServer
from tests.ingest.conftest import fixture, ingest

OPML = """<?xml version="1.0" encoding="utf-8"?>
<opml version="1.0"><head><title>من قارئ آخر</title></head><body>
  <outline text="أخبار">
    <outline type="rss" text="الجزيرة" title="الجزيرة نت" xmlUrl="https://www.aljazeera.net/rss"
             htmlUrl="https://www.aljazeera.net/"/>
    <outline type="rss" text="BBC عربي" xmlUrl="https://feeds.bbci.co.uk/arabic/rss.xml"/>
  </outline>
  <outline type="rss" text="مكرر" xmlUrl="https://www.aljazeera.net/rss"/>
  <outline type="rss" text="ملف محلي" xmlUrl="file:///etc/passwd"/>
</body></opml>
"""


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def mujaz(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., Run]:
    """`mujaz ARGS` in this process, in an empty folder, as an operator would run it."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FEEDS_FILE", "/dev/null")
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "mujaz.db"))

    def run(*args: str) -> Run:
        code = main(list(args))
        out, err = capsys.readouterr()
        return Run(code, out, err)

    return run


def test_opml_round_trip() -> None:
    specs = parse_feed_list(OPML.encode())
    assert [s.url for s in specs] == [
        "https://www.aljazeera.net/rss",
        "https://feeds.bbci.co.uk/arabic/rss.xml",
        "file:///etc/passwd",
    ]
    assert specs[0] == FeedSpec(
        "https://www.aljazeera.net/rss", "الجزيرة نت", "https://www.aljazeera.net/"
    )
    from datetime import UTC, datetime

    again = parse_feed_list(to_opml(specs[:2], title="موجز", created=datetime.now(UTC)).encode())
    assert again == specs[:2]


def test_feeds_commands_import_list_remove_export(
    tmp_path: Path, mujaz: Callable[..., Run]
) -> None:
    opml = tmp_path / "from-reader.opml"
    opml.write_text(OPML, encoding="utf-8")
    result = mujaz("feeds", "import", str(opml))
    assert result.returncode == 0, result.stderr
    assert "2 feeds added, 0 already there, 1 skipped" in result.stdout
    assert "file:///etc/passwd" in result.stderr
    again = mujaz("feeds", "import", str(opml))
    assert again.returncode == 0 and "0 feeds added, 2 already there" in again.stdout

    listed = json.loads(mujaz("feeds", "list", "--json").stdout)
    assert [(f["id"], f["title"], f["enabled"]) for f in listed] == [
        (1, "الجزيرة نت", True),
        (2, "BBC عربي", True),
    ]
    assert listed[0]["full_text"] == "auto" and listed[0]["articles_24h"] == 0
    table = mujaz("feeds", "list").stdout
    assert "الجزيرة نت" in table and "never" in table

    assert mujaz("feeds", "fulltext", "2", "off").returncode == 0
    assert mujaz("feeds", "disable", "https://www.aljazeera.net/rss").returncode == 0
    listed = json.loads(mujaz("feeds", "list", "--json").stdout)
    assert [(f["enabled"], f["full_text"]) for f in listed] == [(False, "auto"), (True, "off")]

    removed = mujaz("feeds", "remove", "2")
    assert removed.returncode == 0 and "removed #2" in removed.stdout
    missing = mujaz("feeds", "remove", "99")
    assert missing.returncode == 1 and "no feed '99'" in missing.stderr

    exported = mujaz("feeds", "export").stdout
    assert parse_feed_list(exported.encode()) == [
        FeedSpec("https://www.aljazeera.net/rss", "الجزيرة نت", None)
    ]
    bad = mujaz("feeds", "add", "ftp://example.org/feed")
    assert bad.returncode == 1 and "not an http(s) address" in bad.stderr
    broken = tmp_path / "broken.opml"
    broken.write_text("<opml><body><outline", encoding="utf-8")
    result = mujaz("feeds", "import", str(broken))
    assert result.returncode == 1 and "not an OPML or TOML feed list" in result.stderr
    assert "Traceback" not in result.stderr


async def test_add_checks_the_address_and_follows_a_page_to_its_feed(
    services: Services, ingestor: Ingestor, feed_server: FeedServer
) -> None:
    manager = FeedManager(services.feeds, services.articles, ingestor)
    feed_url = feed_server.serve("/feeds/rss20-arabic-utf8.xml", fixture("rss20-arabic-utf8.xml"))
    home = feed_server.serve("/", fixture("html-with-feed-link.html"), content_type="text/html")
    added = await manager.add(home)
    assert added.outcome == "added" and added.feed is not None
    assert added.feed.url == feed_url and added.feed.title == "أخبار تجريبية"
    assert added.check is not None and added.check.entries == 6
    assert (await manager.add(feed_url)).outcome == "exists"
    dead = await manager.add(feed_server.url("/nothing.xml"))
    assert (dead.outcome, dead.feed) == ("http-404", None)
    page = await manager.add(
        feed_server.serve("/login", fixture("html-page.html"), content_type="text/html")
    )
    assert page.outcome == "not-a-feed" and page.error
    assert (await manager.add("javascript:alert(1)")).outcome == "bad-url"
    assert await services.feeds.count() == 1


async def test_removing_a_feed_removes_its_articles(
    services: Services, ingestor: Ingestor, feed_server: FeedServer
) -> None:
    await ingest(ingestor, feed_server.serve("/a.xml", fixture("rss20-arabic-utf8.xml")))
    manager = FeedManager(services.feeds, services.articles, ingestor)
    removed = await manager.remove(1)
    assert removed is not None and removed[1] == 6
    assert await services.articles.count() == 0 and await manager.remove(1) is None


async def test_retention_keeps_recent_articles(
    services: Services, ingestor: Ingestor, feed_server: FeedServer
) -> None:
    await ingest(ingestor, feed_server.serve("/d.xml", fixture("dates.xml")))
    # Three items are dated "now" (missing, unreadable, future), two in October 2026.
    removed, _ = await ingestor.prune(timedelta(days=1))
    assert removed == 2 and await services.articles.count() == 3


async def test_the_interval_setting_is_each_feeds_interval(tmp_path: Path) -> None:
    settings = load_settings(database_path=tmp_path / "x.db", ingest_interval_minutes=7)
    services = await Services.create(settings)
    try:
        assert services.ingestor.timing.interval == timedelta(minutes=7)
        assert settings.article_retention_days == 30
    finally:
        await services.close()
