"""What a digest says, with plain values: headlines and summaries that do not repeat each
other, counts that mean what they say, wire datelines gone, report counts in good Arabic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.core.clean import headline_from_text, summarize
from bot.core.compose import rendering_key
from bot.core.digest import FOLLOWS, Digest, Section, StoryArticle, group_stories
from bot.core.render import Renderer
from bot.core.topics import Catalog
from bot.models import Chat
from tests.paths import TEMPLATES

NOW = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer(TEMPLATES)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load(TEMPLATES / "topics.toml")


def article(n: int, title: str = "", summary: str = "", topic: str = "russia") -> StoryArticle:
    return StoryArticle(
        id=n,
        story_id=n,
        url=f"https://example.org/{n}",
        title=title or f"عنوان الخبر رقم {n}",
        summary=summary or "ملخص قصير للخبر يكفي لفهمه.",
        source="مصدر",
        published_at=NOW - timedelta(hours=1),
        topics={topic: 6.0},
    )


def sections(*pairs: tuple[str, list[StoryArticle]], more: int = 0) -> Digest:
    return Digest(
        tuple(Section(topic, tuple(group_stories(items))) for topic, items in pairs), more=more
    )


def test_an_untitled_item_is_headlined_by_its_first_sentence_and_summed_up_by_the_rest() -> None:
    text = (
        "موسكو (رويترز) - أعلن الكرملين أن الرئيس سيزور باكو الأسبوع المقبل. وقال المتحدث"
        " باسمه إن الزيارة ستتناول ملفات الطاقة والنقل بين البلدين.\nفقرة ثانية من الخبر."
    )
    title, rest = headline_from_text(text, max_chars=120)
    assert title == "أعلن الكرملين أن الرئيس سيزور باكو الأسبوع المقبل."
    assert summarize(rest).startswith("وقال المتحدث باسمه")


def test_a_summary_that_repeats_the_headline_is_not_shown_twice(
    renderer: Renderer, catalog: Catalog
) -> None:
    lead = "أعلن الكرملين أن الرئيس الروسي سيزور العاصمة الأذربيجانية باكو الأسبوع المقبل"
    untitled = article(1, title=lead[:60].rsplit(" ", 1)[0] + "…", summary=lead + ".")
    same = article(2, title="عنوان يتكرر حرفيا في الملخص", summary="عنوان يتكرر حرفيا في الملخص")
    (message,) = renderer.digest(
        "ar", sections(("russia", [untitled, same])), catalog=catalog, now=NOW
    )
    assert message.count("سيزور العاصمة") == 1
    assert message.count("عنوان يتكرر حرفيا") == 1


def test_the_header_counts_topics_not_the_readers_own_words(
    renderer: Renderer, catalog: Catalog
) -> None:
    digest = sections((FOLLOWS, [article(1)]), ("russia", [article(2)]))
    (message,) = renderer.digest("ar", digest, catalog=catalog, now=NOW)
    header = message.splitlines()[1]
    assert "خبران" in header and "موضوعين" not in header


def test_stories_cut_by_the_item_limit_are_said_to_be_beyond_it(
    renderer: Renderer, catalog: Catalog
) -> None:
    digest = sections(("russia", [article(1), article(2)]), more=5)
    (arabic,) = renderer.digest("ar", digest, catalog=catalog, now=NOW, limit=2)
    assert "لم تتسع لها هذه الرسالة" not in arabic
    assert "فوق حدّ موجزك (خبران): ٥ أخبار أخرى" in arabic and "/digest more" in arabic
    (english,) = renderer.digest("en", digest, catalog=catalog, now=NOW, limit=2)
    assert "did not fit" not in english and "5 more stories beyond your limit" in english


@pytest.mark.parametrize(
    ("lead", "summary"),
    [
        ("موسكو (رويترز) - قال الكرملين إن المحادثات ستستمر حتى نهاية الأسبوع الجاري.",
         "قال الكرملين إن المحادثات ستستمر حتى نهاية الأسبوع الجاري."),
        ("موسكو، 30 نوفمبر (رويترز) - قال الكرملين إن المحادثات ستستمر حتى نهاية الأسبوع.",
         "قال الكرملين إن المحادثات ستستمر حتى نهاية الأسبوع."),
        ("القدس المحتلة - (الأناضول): قالت الشرطة إن المواجهات اندلعت في ساعة مبكرة اليوم.",
         "قالت الشرطة إن المواجهات اندلعت في ساعة مبكرة اليوم."),
        ("باكو - أعلنت وزارة الخارجية الأذربيجانية عن جولة جديدة من المحادثات مع يريفان.",
         "أعلنت وزارة الخارجية الأذربيجانية عن جولة جديدة من المحادثات مع يريفان."),
        ("MOSCOW (Reuters) - The Kremlin said on Monday that talks would go on all week long.",
         "The Kremlin said on Monday that talks would go on all week long."),
        ("WASHINGTON, Dec 1 (Reuters) - The Senate passed the bill late on Monday after a debate.",
         "The Senate passed the bill late on Monday after a debate."),
        ("KYIV, Ukraine (AP) — Air raid sirens sounded across the capital early on Tuesday.",
         "Air raid sirens sounded across the capital early on Tuesday."),
        ("LONDON — Britain's economy grew faster than expected in the third quarter of the year.",
         "Britain's economy grew faster than expected in the third quarter of the year."),
    ],
)  # fmt: skip
def test_wire_datelines_leave_the_summary(lead: str, summary: str) -> None:
    assert summarize(lead) == summary


@pytest.mark.parametrize(
    "lead",
    [
        "أكد الرئيس (في كلمته) أن الحوار مستمر مع جميع الأطراف المعنية بالملف حتى الآن.",
        "US President Joe Biden said the talks - which began on Monday - would go on for days.",
        "NATO allies agreed on Tuesday to raise spending on defence over the next ten years.",
    ],
)
def test_a_lead_that_opens_with_no_dateline_is_kept_whole(lead: str) -> None:
    assert summarize(lead) == lead


@pytest.mark.parametrize(
    ("seconds", "rate", "shown"),
    [
        (3, 10.4, ("المدة: ٣ ثوانٍ", "بمعدل ١٠٫٤ رسالة في الثانية")),
        (1, 2.0, ("المدة: ثانية واحدة", "بمعدل ٢ رسالة في الثانية")),
        (2, 0.5, ("المدة: ثانيتان", "بمعدل ٠٫٥ رسالة في الثانية")),
        (67, 29.8, ("المدة: ٦٧ ثانيةً", "بمعدل ٢٩٫٨ رسالة في الثانية")),
    ],
)
def test_broadcast_report_counts_read_as_arabic(
    renderer: Renderer, seconds: int, rate: float, shown: tuple[str, str]
) -> None:
    params = {"id": 7, "total": 10, "sent": 10, "failed": 0, "blocked": 0, "uncertain": 0}
    text = renderer.text(
        "ar", "broadcast.report", cancelled=False, skipped=0, seconds=seconds, rate=rate, **params
    )
    for part in shown:
        assert part in text, text
    latin = renderer.text(
        "ar", "broadcast.report", digit_style="latin", cancelled=False, skipped=0,
        seconds=seconds, rate=rate, **params,
    )  # fmt: skip
    assert f"{rate:g}" in latin  # a Latin-digit reader keeps the point


def test_broadcast_report_counts_in_english(renderer: Renderer) -> None:
    params = {"id": 7, "total": 10, "sent": 10, "failed": 0, "blocked": 0, "uncertain": 0}
    text = renderer.text(
        "en", "broadcast.report", cancelled=False, skipped=0, seconds=1, rate=10.4, **params
    )
    assert "1 second," in text and "10.4 messages a second" in text


def test_a_channels_digest_never_shares_a_readers_rendering() -> None:
    reader = Chat(1, "ar", "Asia/Riyadh")
    channel = Chat(2, "ar", "Asia/Riyadh", chat_type="channel")
    assert rendering_key(reader, ["russia"], [], NOW) != rendering_key(channel, ["russia"], [], NOW)


def test_a_public_post_speaks_to_nobody_in_particular(renderer: Renderer, catalog: Catalog) -> None:
    digest = sections((FOLLOWS, [article(1)]), ("russia", [article(2)]), more=3)
    for language in ("ar", "en"):
        (post,) = renderer.digest(language, digest, catalog=catalog, now=NOW, public=True)
        for wording in ("موجزك", "كلماتك", "Your", "your", "/topics", "/time", "/digest"):
            assert wording not in post, (language, wording)
