"""What reaches the stored text: no markup, furniture, tails or pixels; full text for teasers."""

from __future__ import annotations

from bot.context import Services
from bot.core.clean import clean_text, html_to_text, strip_tail
from bot.ingest.pipeline import Ingestor
from bot.models import FullText
from tests.fakes.feed_server import FeedServer
from tests.ingest.conftest import fixture, ingest, rows

FURNITURE = [
    "Photo of author",
    "By أخبار اليوم",
    "reuters/staff photo",
    "(رويترز)",
    "اقرأ أيضا",
    "المصدر :",
    "رابط المصدر",
    "أضف تعليق",
    "ملفات تعريف الارتباط",
    "cookies",
    "reCAPTCHA",
    "نص مخفي",
    "ga(",
    "p{}",
    "track.example",
    "اقرأ المزيد",
    "appeared first on",
]


async def test_boilerplate_never_reaches_the_stored_text(
    services: Services, ingestor: Ingestor, feed_server: FeedServer
) -> None:
    (report,) = await ingest(ingestor, feed_server.serve("/b.xml", fixture("boilerplate.xml")))
    assert report.new == 3
    for article in await rows(services, "SELECT title, summary, text FROM articles"):
        for marker in FURNITURE:
            assert marker not in str(article["text"]), marker
            assert marker not in str(article["summary"]), marker
    (main,) = await rows(services, "SELECT summary, text FROM articles WHERE url LIKE ?", "%/b1")
    assert str(main["text"]).startswith("استأنف وفدا أرمينيا وأذربيجان محادثات ترسيم الحدود")
    assert "لجان فنية مشتركة" in str(main["text"])
    assert str(main["summary"]).startswith("استأنف وفدا أرمينيا وأذربيجان")
    (tail,) = await rows(services, "SELECT text FROM articles WHERE url LIKE ?", "%/b2")
    assert str(tail["text"]).endswith("والعاملين في القطاع الصحي.")


def test_read_more_tails_go_and_real_words_stay() -> None:
    assert strip_tail("نص الخبر هنا. اقرأ المزيد »") == "نص الخبر هنا."
    assert strip_tail("Lead text… [Continue reading]") == "Lead text…"
    assert strip_tail("نص الخبر [...]") == "نص الخبر"
    assert strip_tail("الحكومة تريد المزيد") == "الحكومة تريد المزيد"
    assert strip_tail("قال إن الحكومة تريد المزيد من التفاصيل") == (
        "قال إن الحكومة تريد المزيد من التفاصيل"
    )


def test_hidden_elements_and_comments_are_not_text() -> None:
    markup = (
        "<p>خبر ظاهر</p><div hidden><div>مخفي</div><p>مخفي أيضا</p></div>"
        '<span style="display: none">تتبع</span><!-- <p>تعليق</p> --><p aria-hidden="true">x</p>'
        "<p>فقرة ثانية<br/>سطر</p>"
    )
    assert html_to_text(markup) == "خبر ظاهر\nفقرة ثانية\nسطر"


def test_fast_and_full_html_paths_agree() -> None:
    markup = '<p>أ &amp; ب</p><a href="x">رابط</a> <b>غامق</b><br>سطر &#1575;'
    assert html_to_text(markup) == "أ & ب\nرابط غامق\nسطر ا"
    assert html_to_text(markup + "<script>x()</script>") == "أ & ب\nرابط غامق\nسطر ا"


def test_english_text_keeps_its_own_sentences() -> None:
    text = "The minister met his counterpart in Baku to discuss gas exports to Europe.\nBy Reuters"
    assert clean_text(text) == (
        "The minister met his counterpart in Baku to discuss gas exports to Europe."
    )


async def test_teasers_get_the_article_page_text_on_the_feeds_site(
    services: Services, ingestor: Ingestor, feed_server: FeedServer
) -> None:
    feed_server.serve("/articles/1.html", fixture("article-page.html"), content_type="text/html")
    # /articles/2.html is missing: that item keeps its teaser.
    url = feed_server.serve("/teasers.xml", fixture("teasers.xml"))
    (report,) = await ingest(ingestor, url)
    assert report.new == 2
    full, teaser = await rows(services, "SELECT url, text, summary FROM articles ORDER BY url")
    assert "تبادل الخبرات الفنية وتدريب الكوادر" in str(full["text"])
    assert "المرحلة الأولى من المشروع" in str(full["text"])
    for furniture in ("الأكثر قراءة", "جميع الحقوق", "By أخبار", "المصدر :", "الرئيسية"):
        assert furniture not in str(full["text"]), furniture
    assert str(full["summary"]).startswith("بحث وزير الطاقة السعودي")
    assert len(str(teaser["text"])) < 100
    assert feed_server.hits("/articles/1.html")[0]["Accept"].startswith("text/html")


async def test_full_text_is_switchable_per_feed(
    services: Services, ingestor: Ingestor, feed_server: FeedServer
) -> None:
    feed_server.serve("/articles/1.html", fixture("article-page.html"), content_type="text/html")
    url = feed_server.serve("/teasers.xml", fixture("teasers.xml"))
    feed, _ = await services.feeds.add(url)
    await services.feeds.set_full_text(feed.id, FullText.OFF)
    off = await services.feeds.get(feed.id)
    assert off is not None
    await ingestor.run([off])
    assert feed_server.hits("/articles/1.html") == []


async def test_pages_off_the_feeds_site_are_not_fetched_in_auto_mode(
    services: Services, ingestor: Ingestor, feed_server: FeedServer
) -> None:
    # Short items linking to another site (example.org): "auto" leaves them alone.
    (report,) = await ingest(ingestor, feed_server.serve("/d.xml", fixture("dates.xml")))
    assert report.new == 5
    assert [p for p, _ in feed_server.requests] == ["/d.xml"]


async def test_page_fetches_keep_the_size_cap(
    services: Services, ingestor: Ingestor, feed_server: FeedServer
) -> None:
    feed_server.serve("/articles/1.html", "<html>", content_type="text/html", endless=10**8)
    (report,) = await ingest(ingestor, feed_server.serve("/t.xml", fixture("teasers.xml")))
    assert report.status == "ok" and report.new == 2  # the feed is stored, teasers kept
