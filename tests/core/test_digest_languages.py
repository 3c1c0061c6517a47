"""Which stories a reader of some languages is offered, and which article leads each."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.compose import Composer, build_pool, rendering_key
from bot.core.digest import StoryArticle, group_stories
from bot.core.render import Renderer
from bot.core.topics import Catalog
from bot.models import Chat
from tests.paths import TEMPLATES

NOW = datetime(2026, 11, 30, 5, 0, tzinfo=UTC)
ARABIC_READER = Chat(1, "ar", "Asia/Riyadh")
ENGLISH_READER = Chat(2, "en", "Asia/Riyadh")
ARABIC = frozenset({"ar"})
BOTH = frozenset({"ar", "en"})


def article(
    id: int, story: int, lang: str | None, *, source: str = "", summary: str = "ملخص."
) -> StoryArticle:
    return StoryArticle(
        id=id,
        story_id=story,
        url=f"https://{source or lang}.example/{id}",
        title=f"story {story} in {lang}",
        summary=summary,
        source=source or f"outlet-{id}",
        published_at=NOW - timedelta(hours=1),
        topics={"russia": 6.0},
        lang=lang,
    )


@pytest.fixture(scope="module")
def composer() -> Composer:
    return Composer(Renderer(TEMPLATES), Catalog.load(TEMPLATES / "topics.toml"))


def test_a_story_only_in_english_is_not_offered_to_an_arabic_reader() -> None:
    articles = [article(1, 1, "en"), article(2, 2, "ar")]
    assert [s.id for s in group_stories(articles, ARABIC, "ar")] == [2]
    assert sorted(s.id for s in group_stories(articles, BOTH, "en")) == [1, 2]


def test_an_english_article_of_an_arabic_story_is_another_source() -> None:
    wire = article(1, 1, "en", source="Reuters", summary="A long English summary. " * 10)
    local = article(2, 1, "ar", source="الجزيرة")
    (story,) = group_stories([wire, local], ARABIC, "ar")
    assert story.lead is local  # though the English one is better written by length
    assert [a.source for a in story.others] == ["Reuters"] and story.sources == 2


def test_the_lead_is_in_the_readers_own_language_when_the_story_has_one() -> None:
    articles = [article(1, 1, "ar", summary="ملخص طويل " * 20), article(2, 1, "en")]
    (for_english,) = group_stories(articles, BOTH, "en")
    assert for_english.lead.lang == "en" and for_english.others[0].lang == "ar"
    (for_arabic,) = group_stories(articles, BOTH, "ar")
    assert for_arabic.lead.lang == "ar"


def test_unknown_language_reads_as_arabic() -> None:
    # Articles stored before detection have no language (NULL); text without letters is "und".
    stories = group_stories([article(1, 1, None), article(2, 2, "und")], ARABIC, "ar")
    assert sorted(s.id for s in stories) == [1, 2]


def test_a_french_story_is_offered_to_nobody_who_did_not_choose_french() -> None:
    articles = [article(1, 1, "fr"), article(2, 1, "de")]
    assert group_stories(articles, BOTH, "en") == []
    (story,) = group_stories(articles, frozenset({"fr"}), "fr")
    assert story.lead.lang == "fr" and story.sources == 2


def test_without_languages_every_article_may_lead() -> None:
    assert len(group_stories([article(1, 1, "en"), article(2, 2, "fr")])) == 2


def test_chats_reading_different_languages_never_share_a_rendering(composer: Composer) -> None:
    arabic_key = rendering_key(ARABIC_READER, ["russia"], [], NOW)
    both = replace(ARABIC_READER, languages=BOTH)
    assert rendering_key(both, ["russia"], [], NOW) != arabic_key
    # The default for an Arabic reader is {ar}: choosing it shares the key.
    chose_arabic = replace(ARABIC_READER, chat_id=9, languages=ARABIC)
    assert rendering_key(chose_arabic, ["russia"], [], NOW) == arabic_key
    assert rendering_key(replace(ENGLISH_READER, languages=BOTH), ["russia"], [], NOW) == (
        rendering_key(ENGLISH_READER, ["russia"], [], NOW)
    )

    pool = build_pool([article(1, 1, "en"), article(2, 2, "ar")], newest_article=2, now=NOW)
    assert composer.compose(ARABIC_READER, ["russia"], pool, now=NOW).story_ids == [2]
    assert sorted(composer.compose(both, ["russia"], pool, now=NOW).story_ids) == [1, 2]
    assert composer.compose(chose_arabic, ["russia"], pool, now=NOW).story_ids == [2]
    assert pool.rendered == 2
