"""A DTD whose entities refer to other entities is refused before the XML parser sees it,
in any encoding, and the feed says why; the rest of the pass goes on. Flat entities and
external declarations, which some real feeds carry, still parse."""

from __future__ import annotations

import dataclasses
import time

import pytest

from bot.context import Services
from bot.ingest.dtd import dtd_problem
from bot.ingest.parse import ParseFailed, parse_sync
from bot.ingest.pipeline import Ingestor
from bot.ingest.timing import Timing
from tests.fakes.feed_server import FeedServer
from tests.feeds import rss, sports_item
from tests.hostile.bombs import MIB, entity_chain, utf7_markup
from tests.ingest.conftest import FAST, ingest

BIG = dataclasses.replace(FAST, max_bytes=4 * MIB, total_timeout=20, read_timeout=10)


@pytest.fixture
def pooled(services: Services) -> Ingestor:
    """An ingestor that parses in the bot's parser process, with room for a 1.3 MB feed."""
    return Ingestor(
        services.feeds,
        services.articles,
        services.stories,
        services.classifier,
        services.http,
        timing=Timing(jitter=0),
        limits=BIG,
        clock=services.clock,
        parser=services.parser,
    )


async def test_a_deep_entity_chain_is_refused_and_the_next_feed_parses(
    services: Services, pooled: Ingestor, feed_server: FeedServer
) -> None:
    bomb = entity_chain(50_000)
    assert len(bomb) > MIB
    hostile = feed_server.serve("/chain.xml", bomb, content_type="application/rss+xml")
    fine = feed_server.serve("/fine.xml", rss([sports_item()]))
    refused, parsed = await ingest(pooled, hostile, fine)
    assert refused.status == "refused-dtd"
    assert (parsed.status, parsed.new) == ("ok", 1)
    feed = next(f for f in await services.feeds.all() if f.url == hostile)
    assert feed.last_status == "refused-dtd"
    assert "entity" in (feed.last_error or "") and "refers to other entities" in (
        feed.last_error or ""
    )


async def test_addfeed_refuses_an_entity_chain_with_its_reason(
    pooled: Ingestor, feed_server: FeedServer
) -> None:
    url = feed_server.serve("/chain.xml", entity_chain(50_000))
    check = await pooled.check(url)
    assert (check.ok, check.status) == (False, "refused-dtd")
    assert "entity" in (check.error or "")


@pytest.mark.parametrize(
    "encoding",
    ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"],
)
def test_an_entity_chain_is_refused_in_any_encoding(encoding: str) -> None:
    # Three levels: harmless to expat, and exactly the shape of the deep one.
    body = entity_chain(3, encoding=encoding)
    with pytest.raises(ParseFailed) as refused:
        parse_sync(body, url="https://x.example/f", headers={"content-type": "application/xml"})
    assert refused.value.status == "refused-dtd"


def test_a_first_line_claiming_utf7_does_not_smuggle_a_dtd() -> None:
    body = utf7_markup(entity_chain(3))
    assert body.decode("utf-7").count("<!ENTITY") == 4  # what feedparser would have read
    headers = {"content-type": "application/rss+xml"}  # no charset: the first line decides
    parsed = parse_sync(body, url="https://x.example/f", headers=headers)
    assert (parsed.is_feed, parsed.title) == (False, None)  # read as the UTF-8 it is


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_a_utf16_or_utf32_feed_without_a_byte_order_mark_still_parses(codec: str) -> None:
    document = rss([sports_item()]).replace('encoding="utf-8"', f'encoding="{codec[:6]}"')
    parsed = parse_sync(document.encode(codec), url="https://x.example/f")
    assert parsed.is_feed and parsed.entries[0].title_html == sports_item()["title"]


@pytest.mark.parametrize(
    "subset",
    [
        '<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>',  # billion laughs, first level
        '<!ENTITY e0 "x"><!ENTITY e1 "&#38;e0;">]>',  # a reference spelled as a character
        "<!ENTITY % p \"<!ENTITY e1 'x'>\"> %p;]>",  # a parameter entity that declares
        '<!-- <!ENTITY e1 "&e0;"> --><!ENTITY e0 "x">]>',  # a declaration in a comment
        '<!ENTITY e0 "x">',  # the subset never ends
    ],
    ids=["laughs", "char-ampersand", "parameter", "hidden", "unterminated"],
)
def test_entity_tricks_are_refused(subset: str) -> None:
    body = f'<?xml version="1.0"?><!DOCTYPE rss [{subset}<rss version="2.0"/>'
    with pytest.raises(ParseFailed) as refused:
        parse_sync(body.encode(), url="https://x.example/f")
    assert refused.value.status == "refused-dtd"


@pytest.mark.parametrize(
    "prolog",
    [
        '<!DOCTYPE rss [<!ENTITY id "tag:example.com,"><!ENTITY nbsp "&#160;">]>',
        '<!DOCTYPE rss [<!ENTITY % HTMLlat1 PUBLIC "-//W3C//ENTITIES Latin 1 for XHTML//EN"'
        ' "http://www.w3.org/TR/xhtml1/DTD/xhtml-lat1.ent">%HTMLlat1;]>',
        '<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"'
        ' "http://my.netscape.com/publish/formats/rss-0.91.dtd">',
        "<!-- a comment --><!DOCTYPE rss>",
    ],
    ids=["flat", "external", "netscape", "no-subset"],
)
def test_a_harmless_dtd_still_parses(prolog: str) -> None:
    document = rss([sports_item()]).replace("<rss ", f"{prolog}\n<rss ", 1)
    parsed = parse_sync(document.encode(), url="https://x.example/f")
    assert parsed.is_feed and len(parsed.entries) == 1


def test_the_dtd_check_costs_next_to_nothing_on_a_large_feed() -> None:
    document = rss([sports_item()] * 2000).encode()
    started = time.perf_counter()
    parse_sync(document, url="https://x.example/f")
    parsing = time.perf_counter() - started
    started = time.perf_counter()
    for _ in range(100):
        assert dtd_problem(document) is None
    assert (time.perf_counter() - started) / 100 < parsing / 100
