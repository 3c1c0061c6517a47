"""Which stories a reader gets, in what order and under which topic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.digest import StoryArticle, build_digest, group_stories

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def article(
    id: int,
    story: int,
    source: str,
    *,
    hours: float = 1,
    summary: str = "ملخص قصير.",
    **topics: float,
) -> StoryArticle:
    return StoryArticle(
        id=id,
        story_id=story,
        url=f"https://{source}.example/{id}",
        title=f"خبر {story} من {source}",
        summary=summary,
        source=source,
        published_at=NOW - timedelta(hours=hours),
        topics=topics or {"russia": 5.0},
    )


def test_one_item_per_story_with_the_other_outlets_counted() -> None:
    stories = group_stories(
        [
            article(1, 1, "aljazeera", summary="ملخص " * 60),
            article(2, 1, "bbc"),
            article(3, 1, "bbc"),  # a second feed of the same outlet counts once
            article(4, 1, "rt"),
        ]
    )
    (story,) = stories
    assert story.lead.source == "aljazeera"  # the best-written lead
    assert story.sources == 3
    assert [a.source for a in story.others] == ["bbc", "rt"]


def test_stories_carried_by_more_outlets_rank_first() -> None:
    pool = group_stories(
        [article(1, 1, "a"), article(2, 2, "a"), article(3, 2, "b"), article(4, 2, "c")]
    )
    digest = build_digest(pool, ["russia"], now=NOW, limit=10)
    assert digest.story_ids == [2, 1]


def test_recent_story_beats_an_old_one_of_the_same_reach() -> None:
    pool = group_stories([article(1, 1, "a", hours=20), article(2, 2, "a", hours=1)])
    assert build_digest(pool, ["russia"], now=NOW, limit=10).story_ids == [2, 1]


def test_sections_follow_the_readers_order_and_each_story_appears_once() -> None:
    pool = group_stories(
        [
            article(1, 1, "a", russia=4.0, south_caucasus=9.0),  # best under south_caucasus
            article(2, 2, "a", russia=6.0),
            article(3, 3, "a", sports=5.0),
        ]
    )
    digest = build_digest(pool, ["russia", "south_caucasus"], now=NOW, limit=10)
    assert [(s.topic_id, [x.id for x in s.stories]) for s in digest.sections] == [
        ("russia", [2]),
        ("south_caucasus", [1]),
    ]
    assert 3 not in digest.story_ids  # not the reader's topic


def test_limit_cuts_and_counts_the_rest() -> None:
    pool = group_stories([article(i, i, "a", hours=i) for i in range(1, 16)])
    digest = build_digest(pool, ["russia"], now=NOW, limit=10)
    assert len(digest) == 10
    assert digest.more == 5
    assert digest.story_ids == list(range(1, 11))


def test_stories_already_offered_stay_out_even_when_a_late_source_joins() -> None:
    # Story 3 began before the last digest (watermark 5); a new outlet joined it since.
    pool = group_stories([article(3, 3, "a", hours=9), article(8, 3, "b"), article(7, 7, "a")])
    digest = build_digest(pool, ["russia"], now=NOW, limit=10, newer_than=5)
    assert digest.story_ids == [7]


def test_excluded_stories_are_skipped() -> None:
    pool = group_stories([article(1, 1, "a"), article(2, 2, "a")])
    assert build_digest(pool, ["russia"], now=NOW, limit=10, exclude=[2]).story_ids == [1]


def test_a_story_the_readers_own_words_find_leads_the_digest() -> None:
    """Seven topics full of equally fresh stories: the followed word's story still comes first."""
    from bot.core.digest import FOLLOWS, StoryIndex

    topics = ["russia", "iran", "gulf", "turkey", "economy", "energy", "sports"]
    crowd = [article(n, n, f"outlet{n}", hours=1, **{topics[n % 7]: 10.0}) for n in range(1, 71)]
    followed = article(100, 100, "small", hours=1, russia=2.0)
    index = StoryIndex(group_stories([*crowd, followed]), NOW, {100: {"zangezur"}})
    digest = index.digest(topics, limit=10, phrases=["zangezur"])
    assert digest.sections[0].topic_id == FOLLOWS
    assert digest.stories[0].id == 100
    assert digest.more == 71 - 10


def test_without_followed_words_nothing_changes_in_the_order() -> None:
    from bot.core.digest import StoryIndex

    stories = group_stories([article(1, 1, "a", hours=2), article(2, 2, "b", hours=1)])
    digest = StoryIndex(stories, NOW, {1: {"word"}}).digest(["russia"], limit=5)
    assert digest.story_ids == [2, 1]
