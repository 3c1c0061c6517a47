"""A chat's digest from a run's pool: how far back it reaches, what it shares, leaves out."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.compose import (
    FIRST_DIGEST_LOOKBACK,
    MAX_LOOKBACK,
    RENDERINGS_KEPT,
    Composer,
    build_pool,
    lookback,
    rendering_key,
)
from bot.core.digest import StoryArticle
from bot.core.phrases import PhraseMatcher
from bot.core.render import Renderer
from bot.core.topics import Catalog
from bot.models import Chat, Digits
from tests.paths import TEMPLATES

NOW = datetime(2026, 11, 30, 5, 0, tzinfo=UTC)  # 08:00 in Riyadh
READER = Chat(1, "ar", "Asia/Riyadh")


@pytest.fixture(scope="module")
def composer() -> Composer:
    return Composer(Renderer(TEMPLATES), Catalog.load(TEMPLATES / "topics.toml"))


def article(
    id: int, *, story: int | None = None, hours: float = 1, **topics: float
) -> StoryArticle:
    return StoryArticle(
        id=id,
        story_id=story or id,
        url=f"https://outlet.example/{id}",
        title=f"خبر رقم {id} عن روسيا",
        summary="ملخص قصير للخبر.",
        source="outlet",
        published_at=NOW - timedelta(hours=hours),
        topics=topics or {"russia": 6.0},
    )


def test_a_first_digest_reaches_a_day_back_and_later_ones_three_days() -> None:
    assert lookback(READER, NOW) == NOW - FIRST_DIGEST_LOOKBACK == NOW - timedelta(hours=24)
    had_one = replace(READER, last_article_id=7)
    assert lookback(had_one, NOW) == NOW - MAX_LOOKBACK == NOW - timedelta(days=3)


def test_chats_with_the_same_topics_settings_and_local_date_share_a_key() -> None:
    key = rendering_key(READER, ["russia"], [], NOW)
    assert rendering_key(replace(READER, chat_id=2), ["russia"], [], NOW) == key
    assert rendering_key(READER, ["russia", "iran"], [], NOW) != key
    assert rendering_key(READER, ["russia"], ["kursk"], NOW) != key
    assert rendering_key(replace(READER, last_article_id=3), ["russia"], [], NOW) != key
    assert rendering_key(replace(READER, language="en"), ["russia"], [], NOW) != key
    assert rendering_key(replace(READER, digits=Digits.LATIN), ["russia"], [], NOW) != key
    # The zone counts through the local date only: 14:00 in Tokyo is the same 30 November.
    assert rendering_key(replace(READER, timezone="Asia/Tokyo"), ["russia"], [], NOW) == key
    late = NOW + timedelta(hours=17, minutes=30)  # 01:30 on 1 December in Riyadh
    assert rendering_key(READER, ["russia"], [], late) != key


def test_keys_sort_so_equal_digests_end_up_side_by_side() -> None:
    chats = [
        replace(READER, chat_id=1, language="en"),
        replace(READER, chat_id=2),
        replace(READER, chat_id=3, language="en"),
        replace(READER, chat_id=4, max_items=5),
        replace(READER, chat_id=5),
    ]
    ordered = sorted(chats, key=lambda chat: rendering_key(chat, ["russia"], [], NOW))
    keys = [rendering_key(chat, ["russia"], [], NOW) for chat in ordered]
    runs = [k for i, k in enumerate(keys) if i == 0 or keys[i - 1] != k]
    assert len(runs) == len(set(keys)) == 3


def test_the_pool_leaves_out_articles_newer_than_its_newest() -> None:
    pool = build_pool([article(1), article(2), article(3)], newest_article=2, now=NOW)
    assert sorted(story.id for story in pool.stories) == [1, 2]
    assert pool.newest_article == 2


def test_a_phrase_found_only_in_a_body_marks_its_story() -> None:
    matcher = PhraseMatcher([("kursk", "كورسك")])
    articles = [article(1, story=10), article(2, story=20)]
    texts = {1: "نص طويل يذكر معارك كورسك في آخره."}
    pool = build_pool(articles, newest_article=2, now=NOW, matcher=matcher, texts=texts)
    assert pool.phrase_hits == {10: {"kursk"}}
    assert build_pool(articles, newest_article=2, now=NOW).phrase_hits == {}


def test_chats_with_one_key_get_the_very_same_rendering(composer: Composer) -> None:
    pool = build_pool([article(1), article(2)], newest_article=2, now=NOW)
    first = composer.compose(READER, ["russia"], pool, now=NOW)
    second = composer.compose(replace(READER, chat_id=2), ["russia"], pool, now=NOW)
    assert first.messages and second is first
    assert pool.rendered == 1
    assert first.window == (0, 2) and sorted(first.story_ids) == [1, 2]


def test_only_stories_newer_than_the_last_digest_and_not_sent_yet(composer: Composer) -> None:
    pool = build_pool([article(1), article(2), article(3)], newest_article=3, now=NOW)
    had_one = replace(READER, last_article_id=1)
    composed = composer.compose(had_one, ["russia"], pool, now=NOW, exclude=[3])
    assert composed.story_ids == [2]
    assert composed.window == (1, 3)


def test_nothing_new_is_no_messages_but_still_a_window(composer: Composer) -> None:
    pool = build_pool(
        [article(1, hours=30)], newest_article=1, now=NOW
    )  # past a first digest's day
    composed = composer.compose(READER, ["russia"], pool, now=NOW)
    assert composed.messages == [] and composed.story_ids == []
    assert composed.window == (0, 1)
    wider = composer.compose(READER, ["russia"], pool, now=NOW, since=NOW - timedelta(hours=48))
    assert wider.story_ids == [1]


def test_renderings_kept_are_bounded(composer: Composer) -> None:
    pool = build_pool([article(1)], newest_article=1, now=NOW)
    for n in range(RENDERINGS_KEPT + 5):
        composer.compose(replace(READER, max_items=3 + n), ["russia"], pool, now=NOW)
    assert len(pool.renderings) == RENDERINGS_KEPT
    assert pool.rendered == RENDERINGS_KEPT + 5


def test_a_chat_with_a_thread_per_topic_gets_each_section_as_a_digest_of_its_own(
    composer: Composer,
) -> None:
    assert rendering_key(READER, ["russia"], [], NOW, by_topic=True) != rendering_key(
        READER, ["russia"], [], NOW
    )
    pool = build_pool([article(1, russia=6.0), article(2, iran=6.0)], newest_article=2, now=NOW)
    whole = composer.compose(READER, ["russia", "iran"], pool, now=NOW)
    threaded = composer.compose(READER, ["russia", "iran"], pool, now=NOW, by_topic=True)
    assert whole.sections == () and len(whole.messages) == 1
    assert [topic for topic, _ in threaded.sections] == ["russia", "iran"]
    assert threaded.messages == [m for _, part in threaded.sections for m in part]
    (russia,), (iran,) = (part for _, part in threaded.sections)
    assert "رقم 1" in russia and "رقم 2" not in russia and "رقم 2" in iran
    assert threaded.story_ids == whole.story_ids
