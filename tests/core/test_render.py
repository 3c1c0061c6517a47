from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.core.digest import Digest, Section, StoryArticle, group_stories
from bot.core.render import LANGUAGES, Renderer, pick_language
from bot.core.telegram_text import MESSAGE_LIMIT, RLM, check_html, starts_rtl_safe, visible_len
from bot.core.topics import Catalog
from tests.paths import TEMPLATES

NOW = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)
HOSTILE = '</a><script>x</script> & "q"'


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer(TEMPLATES)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load(TEMPLATES / "topics.toml")


def item(title: str = "بوتين في باكو", story: int = 1, **overrides: object) -> StoryArticle:
    values: dict[str, object] = {
        "id": story,
        "story_id": story,
        "url": "https://example.org/a?x=1&y=2",
        "title": title,
        "summary": "اختتم الرئيس زيارة.",
        "source": "BBC عربي",
        "published_at": NOW - timedelta(hours=2),
        "topics": {"south_caucasus": 6.0},
    }
    values.update(overrides)
    return StoryArticle(**values)  # type: ignore[arg-type]


def digest_of(*articles: StoryArticle, topic: str = "south_caucasus", more: int = 0) -> Digest:
    stories = sorted(group_stories(articles), key=lambda s: s.id)
    return Digest((Section(topic, tuple(stories)),), more=more)


def render(
    renderer: Renderer, catalog: Catalog, language: str, digest: Digest, **kw: object
) -> list[str]:
    return renderer.digest(language, digest, catalog=catalog, now=NOW, **kw)  # type: ignore[arg-type]


def test_every_language_has_the_same_keys(renderer: Renderer) -> None:
    """Same keys everywhere; plural tables differ only in the CLDR forms a language has."""

    def common(language: str) -> set[str]:
        return {
            k
            for k in renderer.keys(language)
            if not (k.startswith("plural.") and k.rsplit(".", 1)[1] not in ("one", "other"))
        }

    assert common("ar") == common("en")
    for key in renderer.keys("ar"):
        if key.startswith("plural."):
            assert key.rsplit(".", 1)[0] + ".other" in renderer.keys("ar")


@pytest.mark.parametrize(
    ("n", "arabic"),
    [(0, "لا أخبار"), (1, "خبر واحد"), (2, "خبران"), (3, "٣ أخبار"), (10, "١٠ أخبار"),
     (11, "١١ خبرًا"), (100, "١٠٠ خبر"), (101, "١٠١ خبر")],
)  # fmt: skip
def test_arabic_plurals(renderer: Renderer, n: int, arabic: str) -> None:
    assert renderer.plural("ar", "news", n) == arabic


def test_date_in_arabic_in_the_readers_zone(renderer: Renderer) -> None:
    late = datetime(2026, 11, 29, 22, 30, tzinfo=UTC)
    assert (
        renderer.date("ar", late.astimezone(ZoneInfo("Asia/Riyadh"))) == "الاثنين، ٣٠ نوفمبر ٢٠٢٦"
    )
    assert (
        renderer.date("ar", late.astimezone(ZoneInfo("America/New_York")))
        == "الأحد، ٢٩ نوفمبر ٢٠٢٦"
    )


def test_feed_text_is_escaped_everywhere(renderer: Renderer, catalog: Catalog) -> None:
    hostile = item(HOSTILE, summary=HOSTILE, source=HOSTILE, url='https://e.com/"><script>')
    (message,) = render(renderer, catalog, "ar", digest_of(hostile))
    assert "<script>" not in message
    assert "&lt;/a&gt;&lt;script&gt;x&lt;/script&gt; &amp; &#34;q&#34;" in message
    check_html(message)


def test_replies_escape_user_input(renderer: Renderer) -> None:
    text = renderer.text("ar", "unknown_topic", given="<b>x", names="y")
    assert "&lt;b&gt;x" in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_long_digest_splits_at_item_boundaries(
    renderer: Renderer, catalog: Catalog, language: str
) -> None:
    items = [
        item("📰 عنوان طويل " * 20 + str(i), story=i + 1, summary="ملخص 🙂 " * 40)
        for i in range(40)
    ]
    messages = render(renderer, catalog, language, digest_of(*items))
    assert len(messages) > 1
    for message in messages:
        assert visible_len(message) <= MESSAGE_LIMIT
        check_html(message)
    body = "".join(messages)
    for i in range(40):
        assert body.count(f"عنوان طويل {i}</b></a>") == 1


def test_every_line_of_the_arabic_digest_stays_right_to_left(
    renderer: Renderer, catalog: Catalog
) -> None:
    latin = item("Putin visits Baku", summary="2024: talks", source="BBC")
    other = item(story=2, source="Reuters", url="https://r.com/x")
    second = item(story=2, source="AP", url="https://ap.org/x")
    digest = digest_of(latin, other, second, more=4)
    for message in render(renderer, catalog, "ar", digest):
        for line in message.splitlines():
            assert starts_rtl_safe(line), line


def test_every_arabic_reply_stays_right_to_left(renderer: Renderer) -> None:
    # Sample values for every template parameter; Latin where a reader's input could be Latin.
    params = {
        **{"time": "08:00", "timezone": "Asia/Riyadh", "names": "روسيا", "name": "روسيا"},
        **{"given": "Mars/Base", "command": "subscribe", "paused": True, "feeds": 12},
        **{"new": 3, "failed": 1, "failures": [("https://example.org/rss", "http-404")]},
        **{"schedule": "08:00 · كل يوم", "city": "الرياض", "days": "كل يوم", "first": "الأحد"},
        **{"last": "الخميس", "times": "07:30", "quiet": "23:00–07:00", "start": "23:00"},
        **{"end": "07:00", "style": "arabic", "n": 10, "low": 3, "high": 30, "title": "Mujaz"},
        **{"phrases": "Zangezur، كورسك", "phrase": "Zangezur", "limit": 20},
        **{"languages": "العربية، الإنجليزية"},
        **{"sources": [("BBC", "https://bbc.com/x")]},
        **{"id": 7, "enabled": False, "url": "https://example.org/rss", "status": "http-404"},
        **{"success": "قبل ساعتين", "error": "http-404: HTTP 404 Not Found"},
        **{"id": 7, "count": 120, "topic": "جنوب القوقاز", "total": 2000, "sent": 1860},
        **{"blocked": 100, "uncertain": 2, "left": 38, "skipped": 0, "cancelled": True},
        **{"seconds": 67, "rate": 29.8, "ids": [7], "reason": "الوسم", "error": "Bad Request"},
        **{"detail": "div", "active": 1880, "topics": [("روسيا", 12, 40)], "digests": 5},
        **{"broadcasts": 2, "copies": 3700, "healthy": 10, "failing": 1, "disabled": 1},
        **{"started": "2026-11-30 05:00 UTC", "running": True, "median": 1.5, "p95": 3.2},
        **{"max": 5.3, "paid_digests": 5, "paid_messages": 5, "stars": 0.5},
    }
    for key in renderer.keys("ar"):
        if key.startswith(("plural.", "commands.")):
            continue
        for line in renderer.text("ar", key, **params).splitlines():
            assert starts_rtl_safe(line), (key, line)


def test_digest_item_links_headline(renderer: Renderer, catalog: Catalog) -> None:
    (message,) = render(renderer, catalog, "ar", digest_of(item()))
    assert f'• {RLM}<a href="https://example.org/a?x=1&amp;y=2"><b>بوتين في باكو</b></a>' in message
    assert "قبل ساعتين" in message
    assert "الأحد، ٢٩ نوفمبر ٢٠٢٦" in message


@pytest.mark.parametrize(
    ("language", "items", "joined"),
    [("ar", ["روسيا", "إيران"], "روسيا، إيران"), ("en", ["Russia", "Iran"], "Russia, Iran"),
     ("ar", ["روسيا"], "روسيا"), ("en", [], "")],
)  # fmt: skip
def test_join_uses_the_languages_list_separator(
    renderer: Renderer, language: str, items: list[str], joined: str
) -> None:
    assert renderer.join(language, items) == joined


def test_joined_items_are_escaped_where_they_land(renderer: Renderer) -> None:
    joined = renderer.join("en", [HOSTILE, "Iran"])
    assert joined == f"{HOSTILE}, Iran"  # plain text: the template escapes it
    text = renderer.text("en", "follow_exists", phrase=joined)
    assert "<script>" not in text and "&lt;script&gt;" in text


def test_pick_language() -> None:
    assert pick_language("en-US") == "en"
    assert pick_language("ar") == "ar"
    assert pick_language("ru") == "ar"
    assert pick_language(None) == "ar"


def _templates_with(tmp_path: Path, extra: dict[str, str]) -> Path:
    import shutil

    shutil.copytree(TEMPLATES, tmp_path / "templates")
    for lang in LANGUAGES:
        folder = tmp_path / "templates" / lang / "strings"
        folder.mkdir(exist_ok=True)
        for name, body in extra.items():
            (folder / name).write_text(body, encoding="utf-8")
    return tmp_path / "templates"


def test_a_features_strings_file_is_read_beside_strings_toml(tmp_path: Path) -> None:
    renderer = Renderer(
        _templates_with(tmp_path, {"extra.toml": '[extra]\nhello = "<b>{{ n }}</b>"\n'})
    )
    assert renderer.text("ar", "extra.hello", n="أ") == "<b>أ</b>"
    assert renderer.text("en", "extra.hello", n="e") == "<b>e</b>"


def test_a_string_defined_twice_stops_the_start(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="already defined"):
        Renderer(_templates_with(tmp_path, {"twice.toml": '[commands]\nfollow = "x"\n'}))
