"""A feed's evidence for its items' topics: their <category>/dc:subject terms and the section
the feed declares (feed list, OPML, `mujaz feeds add --topics`), from file to stored
article."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.context import Services
from bot.ingest.feedlist import FeedSpec, parse_feed_list, to_opml
from bot.ingest.parse import parse_sync
from tests.fakes.feed_server import FeedServer

ITEM = """<item><title>{title}</title><link>https://example.org/{n}</link><guid>{n}</guid>
<pubDate>Tue, 20 Aug 2024 10:00:00 GMT</pubDate><description>{text}</description>{extra}</item>"""


def rss(*items: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        "<title>مصدر</title><link>https://example.org/</link><description>x</description>"
        + "".join(items)
        + "</channel></rss>"
    )


def test_categories_and_dc_subject_are_read_each_once() -> None:
    extra = (
        "<category>اقتصاد</category><category domain='x'>/أخبار/اقتصاد</category>"
        "<dc:subject>Markets</dc:subject><category>اقتصاد</category>"
    )
    body = rss(ITEM.format(title="t", n=1, text="x", extra=extra)).encode()
    (entry,) = parse_sync(body, url="https://example.org/feed").entries
    assert entry.categories == ("اقتصاد", "/أخبار/اقتصاد", "Markets")


def test_json_feed_tags_are_categories() -> None:
    body = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "x",
            "items": [{"id": "1", "url": "https://e.org/1", "title": "t", "tags": ["Sport", 3]}],
        }
    ).encode()
    (entry,) = parse_sync(body, url="https://e.org/feed.json").entries
    assert entry.categories == ("Sport",)


def test_feed_lists_carry_a_section_toml_and_opml() -> None:
    toml = b'[[feed]]\nurl = "https://e.org/eco.xml"\nname = "x"\ntopics = ["economy", "Sport"]\n'
    (spec,) = parse_feed_list(toml)
    assert spec.topics == ("economy", "Sport")
    opml = (
        '<opml version="2.0"><body><outline type="rss" text="x" xmlUrl="https://e.org/s.xml"'
        ' category="/News/Sport, الاقتصاد"/></body></opml>'
    ).encode()
    (spec,) = parse_feed_list(opml)
    assert spec.topics == ("Sport", "الاقتصاد")
    again = to_opml(
        [FeedSpec("https://e.org/s.xml", "x", None, ("sports",))],
        title="t",
        created=datetime.now(UTC),
    )
    assert parse_feed_list(again.encode())[0].topics == ("sports",)
    with pytest.raises(ValueError, match="topics"):
        parse_feed_list(b'[[feed]]\nurl = "https://e.org/x"\ntopics = "economy"\n')


async def test_sections_become_topic_ids_and_are_stored(services: Services) -> None:
    manager = services.feed_manager
    assert manager.topic_ids(["Sports", "الاقتصاد", "economy", "Mars"]) == (
        ("sports", "economy"),
        ["Mars"],
    )
    result = await manager.import_specs(
        [FeedSpec("https://e.org/eco.xml", "x", None, ("Economy", "Mars"))]
    )
    (feed,) = result.added
    assert feed.topics == ("economy",)
    assert await services.feeds.set_topics(feed.id, ("economy", "energy"))
    stored = await services.feeds.get(feed.id)
    assert stored is not None and stored.topics == ("economy", "energy")
    exported = parse_feed_list(
        (await manager.export_opml(title="t", now=services.clock())).encode()
    )
    assert exported[0].topics == ("economy", "energy")


def test_feeds_add_with_topics_and_the_topics_command(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FEEDS_FILE", "/dev/null")
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "mujaz.db"))

    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    code, out, _ = run(
        "feeds", "add", "https://e.org/eco.xml", "--no-check", "--topics", "economy,الطاقة"
    )
    assert code == 0 and "added #1" in out
    listed = json.loads(run("feeds", "list", "--json")[1])
    assert listed[0]["topics"] == ["economy", "energy"]
    assert "[economy, energy]" in run("feeds", "list")[1]
    code, out, _ = run("feeds", "topics", "1", "sports")
    assert code == 0 and "#1 topics: sports" in out
    assert "#1 topics: none" in run("feeds", "topics", "1", "")[1]
    code, _, err = run("feeds", "add", "https://e.org/x.xml", "--no-check", "--topics", "mars")
    assert code == 1 and "no topic is called mars" in err


async def test_ingestion_counts_categories_and_the_feed_section(
    services: Services, feed_server: FeedServer
) -> None:
    """Two items whose text says a little of the economy: the one tagged «اقتصاد» is filed
    under it; in an economy section feed both are; an unrelated item never is."""
    body = rss(
        ITEM.format(
            title="ارتفاع الأسعار", n=1, text="الأسعار", extra="<category>اقتصاد</category>"
        ),
        ITEM.format(title="ارتفاع الأسعار مجددا", n=2, text="الأسعار", extra=""),
        ITEM.format(
            title="فيضانات في باكو", n=3, text="أمطار غزيرة", extra="<category>اقتصاد</category>"
        ),
    )
    plain = feed_server.serve("/all.xml", body)
    section = feed_server.serve(
        "/economy.xml", body.replace("https://example.org/", "https://example.org/e/")
    )
    feeds = [
        (await services.feeds.add(plain))[0],
        (await services.feeds.add(section, topics=("economy",)))[0],
    ]
    await services.ingestor.run(feeds)
    rows = await services.db.fetchall(
        "SELECT a.url FROM articles a JOIN article_topics t ON t.article_id = a.id"
        " WHERE t.topic_id = 'economy' ORDER BY a.url"
    )
    assert [r["url"].replace("https://example.org/", "") for r in rows] == ["1", "e/1", "e/2"]
