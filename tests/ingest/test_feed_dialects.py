"""Every feed dialect and encoding, served over loopback HTTP, lands as clean Arabic articles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.context import Services
from bot.ingest.pipeline import Ingestor
from tests.fakes.feed_server import FeedServer
from tests.ingest.conftest import fixture, ingest, rows

ENERGY = "وزير الطاقة السعودي يبحث مع نظيره الأذربيجاني التعاون في مجال الغاز"
ENERGY_LEAD = "بحث وزير الطاقة السعودي مع نظيره الأذربيجاني في باكو سبل توسيع التعاون"
BANK = "البنك المركزي المصري يثبت أسعار الفائدة للمرة الثالثة على التوالي"
MOJIBAKE = ("Ø", "Ù", "Ã", "Ú", "\ufffd", "ط§ظ")  # UTF-8 read as cp1256/latin-1, or lost bytes


@pytest.mark.parametrize(
    ("name", "content_type", "count"),
    [
        ("rss20-arabic-utf8.xml", "application/rss+xml; charset=utf-8", 6),
        ("rss20-windows-1256.xml", "application/rss+xml", 4),
        ("rss20-windows-1256-undeclared.xml", "text/xml", 4),
        ("rss20-iso-8859-6.xml", "application/xml", 3),
        ("rss20-iso-8859-6-undeclared.xml", "application/xml", 3),
        # UTF-8 bytes under a windows-1256 header and declaration: feedparser alone garbles these.
        ("rss20-utf8-declared-1256.xml", "application/rss+xml; charset=windows-1256", 2),
        ("rss20-utf16-bom.xml", "application/xml", 2),
        ("rss091.xml", "application/rss+xml", 3),
        ("rss092.xml", "application/rss+xml", 3),
        ("rss10.rdf", "application/rdf+xml", 4),
        ("atom03.atom", "application/atom+xml", 3),
        ("atom10-html.atom", "application/atom+xml", 3),
        ("atom10-xhtml.atom", "application/atom+xml", 3),
        ("atom10-text.atom", "application/atom+xml", 2),
        ("jsonfeed11.json", "application/feed+json", 4),
        ("cdata-entities.xml", "application/rss+xml", 2),
        ("malformed-bozo.xml", "application/rss+xml", 3),
        ("feedburner-origlink.xml", "application/rss+xml", 2),
    ],
)
async def test_dialect_is_stored_with_readable_arabic(
    services: Services,
    ingestor: Ingestor,
    feed_server: FeedServer,
    name: str,
    content_type: str,
    count: int,
) -> None:
    url = feed_server.serve(f"/feeds/{name}", fixture(name), content_type=content_type)
    (report,) = await ingest(ingestor, url)
    assert report.status == "ok", report.error
    assert report.new == count
    stored = await rows(services, "SELECT title, summary, text, url FROM articles")
    assert len(stored) == count
    for article in stored:
        text = f"{article['title']} {article['summary']} {article['text']}"
        assert not any(mark in text for mark in MOJIBAKE), (name, text[:120])
        assert "<p>" not in str(article["text"]) and "&amp;" not in str(article["summary"])
        assert str(article["url"]).startswith(("http://", "https://"))
    titles = {str(a["title"]) for a in stored}
    assert any("وزير" in t or "البنك" in t or "منتخب" in t or "القدس" in t for t in titles)


async def test_legacy_arabic_encodings_read_as_the_utf8_original(
    services: Services, ingestor: Ingestor, feed_server: FeedServer
) -> None:
    urls = [
        feed_server.serve(f"/{n}", fixture(n), content_type="text/xml")
        for n in (
            "rss20-windows-1256.xml",
            "rss20-windows-1256-undeclared.xml",
            "rss20-iso-8859-6.xml",
            "rss20-iso-8859-6-undeclared.xml",
        )
    ]
    reports = await ingest(ingestor, *urls)
    assert [r.status for r in reports] == ["ok"] * 4
    # The same story from four encodings is one article (same canonical URL), spelled right.
    (article,) = await rows(
        services,
        "SELECT title, summary FROM articles WHERE url = ?",
        "https://news.example.sa/ar/1",
    )
    assert article["title"] == ENERGY
    assert str(article["summary"]).startswith(ENERGY_LEAD)


async def test_atom_text_content_keeps_its_angle_brackets_as_text(
    services: Services, ingestor: Ingestor, feed_server: FeedServer
) -> None:
    url = feed_server.serve("/a.atom", fixture("atom10-text.atom"))
    await ingest(ingestor, url)
    (article,) = await rows(services, "SELECT title, text FROM articles WHERE url LIKE ?", "%/ar/1")
    assert article["title"] == "الأسعار ترتفع < 5% & التضخم يتراجع"
    assert "النسبة < 5% وإن <script> ليست وسمًا هنا." in str(article["text"])


async def test_xhtml_and_html_content_lose_markup_and_scripts(
    services: Services, ingestor: Ingestor, feed_server: FeedServer
) -> None:
    await ingest(
        ingestor,
        feed_server.serve("/x.atom", fixture("atom10-xhtml.atom")),
        feed_server.serve("/h.atom", fixture("atom10-html.atom")),
    )
    for article in await rows(services, "SELECT text FROM articles"):
        assert "track()" not in str(article["text"]) and "<" not in str(article["text"])
    (xhtml,) = await rows(services, "SELECT text FROM articles WHERE title LIKE ?", "منتخب المغرب%")
    assert "تأهل منتخب المغرب لكرة القدم" in str(xhtml["text"])


async def test_entities_and_cdata_decode_into_plain_text(
    services: Services, ingestor: Ingestor, feed_server: FeedServer
) -> None:
    await ingest(ingestor, feed_server.serve("/e.xml", fixture("cdata-entities.xml")))
    titles = {str(r["title"]) for r in await rows(services, "SELECT title FROM articles")}
    assert 'القدس & "غزة" اليوم' in titles
    assert f"{BANK} & تفاصيل" in titles
    (pixel,) = await rows(services, "SELECT text FROM articles WHERE title LIKE ?", "البنك%")
    assert "pixel.example" not in str(pixel["text"])
    assert str(pixel["text"]).count("\n") == 1  # two paragraphs, the tracking image gone


async def test_relative_links_resolve_against_the_feed_and_xml_base(
    services: Services, ingestor: Ingestor, feed_server: FeedServer
) -> None:
    rel = feed_server.serve("/feeds/news/rel.xml", fixture("relative-links.xml"))
    await ingest(ingestor, rel, feed_server.serve("/b.atom", fixture("atom-xml-base.atom")))
    json = feed_server.serve("/feeds/j.json", fixture("jsonfeed11.json"))
    await ingest(ingestor, json)
    urls = {str(r["url"]) for r in await rows(services, "SELECT url FROM articles")}
    base = feed_server.base
    assert {
        f"{base}/ar/rel-1",
        f"{base}/feeds/news/rel-2",
        f"{base}/feeds/ar/rel-3?x=1",
        "https://base.example.org/news/2026/base-1",
        "https://base.example.org/root-2",
        f"{base}/ar/1",
    } <= urls


async def test_feedburner_items_keep_the_publishers_link(
    services: Services, ingestor: Ingestor, feed_server: FeedServer
) -> None:
    await ingest(ingestor, feed_server.serve("/fb.xml", fixture("feedburner-origlink.xml")))
    urls = {str(r["url"]) for r in await rows(services, "SELECT url FROM articles")}
    assert urls == {"https://news.example.sa/ar/fb-1", "https://news.example.sa/ar/fb-2"}


async def test_missing_invalid_arabic_and_ast_dates(
    services: Services, ingestor: Ingestor, feed_server: FeedServer
) -> None:
    before = datetime.now(UTC)
    await ingest(ingestor, feed_server.serve("/d.xml", fixture("dates.xml")))
    stored = {
        str(r["url"]).rsplit("/", 1)[1]: datetime.strptime(
            str(r["published_at"]), "%Y-%m-%dT%H:%M:%SZ"
        ).replace(tzinfo=UTC)
        for r in await rows(services, "SELECT url, published_at FROM articles")
    }
    assert len(stored) == 5
    seen = (before - timedelta(seconds=2), datetime.now(UTC) + timedelta(seconds=2))
    assert seen[0] <= stored["d0"] <= seen[1]  # missing: the time it was first seen
    assert seen[0] <= stored["d1"] <= seen[1]  # unreadable: likewise
    assert stored["d2"] == datetime(2026, 10, 20, 7, 30, tzinfo=UTC)  # Arabic, Arabia time
    assert stored["d3"] == datetime(2026, 10, 20, 7, 0, tzinfo=UTC)  # AST is UTC+3 here
    assert seen[0] <= stored["d4"] <= seen[1]  # a date in 2100 is not believed


async def test_untitled_items_take_their_lead_and_linkless_ones_are_skipped(
    services: Services, ingestor: Ingestor, feed_server: FeedServer
) -> None:
    (report,) = await ingest(ingestor, feed_server.serve("/u.xml", fixture("untitled-items.xml")))
    assert (report.entries, report.new) == (2, 1)
    (article,) = await rows(services, "SELECT title, summary FROM articles")
    assert str(article["title"]).startswith("تأهل منتخب المغرب لكرة القدم")
    # The headline is the lead's first sentence; the summary goes on from there.
    assert str(article["summary"]).startswith("وسجل هدفي المغرب")


async def test_empty_channel_is_a_feed_with_nothing_new(
    ingestor: Ingestor, feed_server: FeedServer
) -> None:
    (report,) = await ingest(
        ingestor, feed_server.serve("/empty.xml", fixture("empty-channel.xml"))
    )
    assert (report.status, report.entries, report.new) == ("ok", 0, 0)


async def test_html_page_instead_of_a_feed_is_rejected_and_names_the_real_feed(
    services: Services, ingestor: Ingestor, feed_server: FeedServer
) -> None:
    plain = feed_server.serve("/login", fixture("html-page.html"), content_type="text/html")
    linked = feed_server.serve("/", fixture("html-with-feed-link.html"), content_type="text/html")
    reports = await ingest(ingestor, plain, linked)
    assert [r.status for r in reports] == ["not-a-feed", "not-a-feed"]
    assert f"{feed_server.base}/feeds/rss20-arabic-utf8.xml" in str(reports[1].error)
    assert await services.articles.count() == 0
