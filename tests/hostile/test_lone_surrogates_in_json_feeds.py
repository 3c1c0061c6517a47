"""A JSON Feed string may hold a \\u escape to no character: a lone surrogate, half of an
emoji's pair. json.loads keeps it as it is, and such an item's title could not be stored, so
the whole feed failed, every pass. It is read as U+FFFD, as a reference to no character is in
an XML feed; a whole pair is the character it names. Found by the fuzz test."""

from __future__ import annotations

import logging

import pytest

from bot.context import Services
from bot.ingest.jsonfeed import parse_json_feed
from bot.ingest.pipeline import Ingestor
from tests.fakes.feed_server import FeedServer
from tests.ingest.conftest import ingest, rows

URL = "https://example.org/feed.json"


def json_feed(title: str, *, link: str = "https://example.org/news/1", text: str = "") -> bytes:
    """A JSON Feed of one item; the strings go in as written, escapes and all."""
    return (
        '{"version": "https://jsonfeed.org/version/1.1", "title": "مصدر",'
        f' "items": [{{"id": "news-1", "url": "{link}", "title": "{title}",'
        f' "content_text": "نص الخبر كاملا. {text}"}}]}}'
    ).encode()


def test_a_lone_surrogate_escape_is_read_as_a_replacement_character() -> None:
    _, (item,) = parse_json_feed(
        json_feed("خبر \\ud800 عاجل", link="https://example.org/news/\\udfff1", text="\\udc00"),
        url=URL,
    )
    assert item["title_html"] == "خبر \ufffd عاجل"
    assert item["link"] == "https://example.org/news/\ufffd1"
    assert item["content_html"].endswith("\ufffd")


def test_a_whole_surrogate_pair_is_the_character_it_names() -> None:
    _, (item,) = parse_json_feed(json_feed("خبر \\ud83d\\ude00 عاجل"), url=URL)
    assert item["title_html"] == "خبر 😀 عاجل"


async def test_a_json_feed_with_a_lone_surrogate_is_stored(
    services: Services,
    ingestor: Ingestor,
    feed_server: FeedServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    url = feed_server.serve(
        "/feed.json", json_feed("خبر \\ud83d عاجل"), content_type="application/feed+json"
    )
    (report,) = await ingest(ingestor, url)
    assert (report.status, report.new) == ("ok", 1)
    (article,) = await rows(services, "SELECT title FROM articles")
    assert article["title"] == "خبر \ufffd عاجل"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
