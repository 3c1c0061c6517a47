"""Muted phrases (/mute), with plain values: which stories a reader's mutes hide.

A story is muted when the headline or summary of any of its articles names a muted phrase,
matched like /follow (clitics, spelling folds, never inside another word); bodies are not read.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.compose import Composer, build_pool, rendering_key
from bot.core.digest import StoryArticle, StoryIndex, group_stories
from bot.core.mutes import muted_stories
from bot.core.phrases import PhraseMatcher, check_phrase
from bot.core.render import Renderer
from bot.core.topics import Catalog
from bot.models import Chat
from tests.paths import TEMPLATES

NOW = datetime(2026, 11, 30, 5, 0, tzinfo=UTC)
READER = Chat(1, "ar", "Asia/Riyadh")


def article(
    id: int, title: str, summary: str = "ملخص قصير للخبر.", *, story: int | None = None
) -> StoryArticle:
    return StoryArticle(
        id=id,
        story_id=story or id,
        url=f"https://outlet{id}.example/{id}",
        title=title,
        summary=summary,
        source=f"outlet{id}",
        published_at=NOW - timedelta(hours=1),
        topics={"sports": 6.0},
    )


def mutes(*phrases: str) -> PhraseMatcher[str]:
    checks = [check_phrase(p) for p in phrases]
    return PhraseMatcher((c.key, c.phrase) for c in checks)


def key(phrase: str) -> str:
    return check_phrase(phrase).key


@pytest.mark.parametrize(
    "title",
    [
        "مباراة في كرة القدم الليلة",
        "وبكرة القدم يحتفل الجمهور",  # proclitics in front
        "منتخب الكره القدم يفوز",  # ة written as ه
        "كُرَةُ القَدَمِ تعود",  # diacritics
    ],
)
def test_a_muted_phrase_hides_a_story_whose_headline_names_it_in_any_spelling(
    title: str,
) -> None:
    assert muted_stories([article(1, title)], mutes("كرة القدم")) == {1: {key("كرة القدم")}}


def test_hamza_and_alef_forms_fold_both_ways() -> None:
    hits = muted_stories([article(1, "زيارة إلى إسرائيل"), article(2, "وفد من اسرائيل")],
                         mutes("اسرائيل"))  # fmt: skip
    assert set(hits) == {1, 2}


def test_a_muted_word_never_matches_inside_another_word() -> None:
    # «باكو» is not in «الباكورة» (the first fruits).
    assert muted_stories([article(1, "الباكورة من الإنتاج الزراعي")], mutes("باكو")) == {}


def test_english_mutes_ignore_case() -> None:
    hits = muted_stories([article(1, "Football: Cup final tonight")], mutes("football"))
    assert hits == {1: {"football"}}


def test_the_summary_counts_and_the_body_does_not() -> None:
    in_summary = article(1, "عنوان عام", "كرة القدم في المدينة")
    assert set(muted_stories([in_summary], mutes("كرة القدم"))) == {1}
    # A body is never given to the mute matcher: build_pool's texts are for /follow only.
    pool = build_pool(
        [article(2, "عنوان عام")],
        newest_article=2,
        now=NOW,
        mutes=mutes("كرة القدم"),
        texts={2: "وفي الفقرة التاسعة ذكر عابر لكرة القدم."},
    )
    assert pool.mute_hits == {}


def test_one_outlet_naming_the_phrase_mutes_the_whole_story() -> None:
    story = [article(1, "قمة اقتصادية في الرياض", story=1),
             article(2, "قمة الرياض تناقش كرة القدم أيضا", story=1)]  # fmt: skip
    assert muted_stories(story, mutes("كرة القدم")) == {1: {key("كرة القدم")}}


def test_a_muted_story_leaves_the_digest_and_is_not_counted_as_more() -> None:
    articles = [article(1, "كرة القدم: نهائي الكأس"), article(2, "سباق السيارات في البحرين")]
    stories = group_stories(articles)
    hits = muted_stories(articles, mutes("كرة القدم"))
    index = StoryIndex(stories, NOW, mute_hits=hits)
    digest = index.digest(["sports"], limit=1, muted=[key("كرة القدم")])
    assert digest.story_ids == [2] and digest.more == 0
    # Another reader who muted nothing still gets both.
    assert sorted(index.digest(["sports"], limit=5).story_ids) == [1, 2]


def test_a_muted_phrase_wins_over_a_followed_one() -> None:
    articles = [article(1, "كرة القدم في كورسك")]
    follows = mutes("كورسك")
    index = StoryIndex(
        group_stories(articles),
        NOW,
        phrase_hits={1: set(follows.match(articles[0].title, ""))},
        mute_hits=muted_stories(articles, mutes("كرة القدم")),
    )
    digest = index.digest([], limit=5, phrases=[key("كورسك")], muted=[key("كرة القدم")])
    assert digest.story_ids == []


def test_chats_with_different_mutes_never_share_a_rendering() -> None:
    composer = Composer(Renderer(TEMPLATES), Catalog.load(TEMPLATES / "topics.toml"))
    articles = [article(1, "كرة القدم: نهائي الكأس"), article(2, "سباق السيارات في البحرين")]
    pool = build_pool(articles, newest_article=2, now=NOW, mutes=mutes("كرة القدم"))
    muted = composer.compose(READER, ["sports"], pool, now=NOW, mutes=[key("كرة القدم")])
    plain = composer.compose(replace(READER, chat_id=2), ["sports"], pool, now=NOW)
    assert muted.story_ids == [2] and sorted(plain.story_ids) == [1, 2]
    assert rendering_key(READER, ["sports"], [], NOW, ["x"]) != rendering_key(
        READER, ["sports"], [], NOW
    )
