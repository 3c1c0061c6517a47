"""A link with a control character in it is no web link, so an item whose only link has one is
not stored. The fuzz test found an item whose link held NULs: it was stored, and since a NUL
in an href ends Telegram's reading of a message, the digest of every reader of that story was
refused whole ("can't parse entities: Unclosed start tag")."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.context import Services
from bot.core.urls import is_web_url
from bot.ingest.pipeline import Ingestor
from bot.models import Chat
from tests.fakes.bot_api.validation import message_text
from tests.fakes.feed_server import FeedServer
from tests.ingest.conftest import ingest, rows


@pytest.mark.parametrize(
    "link",
    [
        pytest.param("https://example.org/news\x00/1", id="NUL in the path"),
        pytest.param("https://exa\x00mple.org/news/1", id="NUL in the host"),
        pytest.param("https://example.org/news/\x01", id="another C0 control"),
        pytest.param("https://example.org/\x7fnews/1", id="DEL"),
        pytest.param("https://example.org/news/\x9b1", id="a C1 control"),
    ],
)
def test_a_link_with_a_control_character_is_no_web_link(link: str) -> None:
    assert not is_web_url(link)


def test_links_without_control_characters_still_are() -> None:
    assert is_web_url(" https://example.org/news/1\n")  # whitespace around it is trimmed
    assert is_web_url("https://مثال.السعودية/أخبار/١")


def item(number: int, link: str) -> str:
    return (
        f"<item><title>الهلال يفوز على النصر في الدوري السعودي {number}</title>"
        f"<link>{link}</link><guid>sports-{number}</guid>"
        "<description>فاز الهلال على النصر بهدفين في مباراة قوية ضمن الدوري السعودي.</description>"
        "</item>"
    )


async def test_an_item_whose_link_holds_a_nul_never_reaches_a_digest(
    services: Services, ingestor: Ingestor, feed_server: FeedServer
) -> None:
    document = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>رياضة</title>'
        + item(1, "https://example.org/sports/1")
        + item(2, "https://example.org/sports/2&#0;&#0;x")  # the loose parser makes NULs of them
        + "</channel></rss>"
    )
    (report,) = await ingest(ingestor, feed_server.serve("/sports.xml", document))
    assert (report.status, report.new) == ("ok", 1)
    assert [r["url"] for r in await rows(services, "SELECT url FROM articles")] == [
        "https://example.org/sports/1"
    ]
    reader = Chat(1, "ar", "Asia/Riyadh")
    composed = await services.digests.preview(reader, ["sports"], since=timedelta(days=3650))
    assert composed.messages
    for message in composed.messages:
        message_text({"text": message, "parse_mode": "HTML"})  # raises as the fake would
