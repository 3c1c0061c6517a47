"""Clustering real-looking headline groups into stories."""

from __future__ import annotations

import tomllib
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.cluster import StoryDoc, assign_stories, tokens
from tests.paths import ROOT

T0 = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)


def load_groups() -> list[tuple[str, str]]:
    with (ROOT / "tests" / "fixtures" / "headline_groups.toml").open("rb") as f:
        stories = tomllib.load(f)["story"]
    return [(s["id"], h) for s in stories for h in s["headlines"]]


@pytest.fixture(scope="module")
def clustered() -> dict[str, list[int]]:
    """Story ids given to each group's headlines, fed in an interleaved order."""
    headlines = load_groups()
    order = sorted(range(len(headlines)), key=lambda i: (i % 4, i))  # outlets publish in turn
    docs = [
        StoryDoc(id=n + 1, title=headlines[i][1], lead="", published_at=T0 + timedelta(minutes=n))
        for n, i in enumerate(order)
    ]
    stories = assign_stories(docs, [])
    groups: dict[str, list[int]] = defaultdict(list)
    for n, i in enumerate(order):
        groups[headlines[i][0]].append(stories[n + 1])
    return groups


def test_different_stories_never_share_a_story_id(clustered: dict[str, list[int]]) -> None:
    owner: dict[int, str] = {}
    for group, story_ids in clustered.items():
        for story_id in story_ids:
            assert owner.setdefault(story_id, group) == group, (group, owner[story_id])


def test_same_story_from_several_outlets_is_one_story(clustered: dict[str, list[int]]) -> None:
    together = 0
    for group, story_ids in clustered.items():
        biggest = Counter(story_ids).most_common(1)[0][1]
        assert biggest >= len(story_ids) - 1, (group, story_ids)  # at most one paraphrase apart
        together += biggest == len(story_ids)
    assert together >= len(clustered) - 1


def test_lead_joins_a_paraphrased_headline() -> None:
    lead = "التقى الرئيس الروسي فلاديمير بوتين نظيره الصيني شي جين بينغ في بكين اليوم."
    first = StoryDoc(1, "بوتين يلتقي شي جين بينغ في بكين لبحث الشراكة الاستراتيجية", lead, T0)
    second = StoryDoc(2, "الرئيس الروسي يجري محادثات مع نظيره الصيني في بكين", lead, T0)
    other = StoryDoc(3, "زلزال بقوة 5.6 درجات يضرب ولاية ملاطية شرقي تركيا", "هزة أرضية.", T0)
    assert assign_stories([first, second, other], []) == {1: 1, 2: 1, 3: 3}


def test_late_source_joins_the_existing_story() -> None:
    earlier = StoryDoc(
        10, "أوبك بلس تمدد خفض إنتاج النفط حتى نهاية العام المقبل", "", T0, story_id=7
    )
    late = StoryDoc(11, "تمديد خفض إنتاج النفط لتحالف أوبك بلس حتى نهاية العام القادم", "", T0)
    assert assign_stories([late], [earlier]) == {11: 7}


def test_same_words_days_apart_are_different_stories() -> None:
    earlier = StoryDoc(1, "زلزال بقوة 5.6 درجات يضرب ولاية ملاطية شرقي تركيا", "", T0, story_id=1)
    later = StoryDoc(
        2, "زلزال بقوة 5.6 درجات يضرب ولاية ملاطية شرقي تركيا", "", T0 + timedelta(days=5)
    )
    assert assign_stories([later], [earlier]) == {2: 2}


def test_stems_meet_across_clitics_and_endings() -> None:
    assert tokens("الأذربيجانية") == tokens("أذربيجان")
    assert tokens("وشي في بكين") == tokens("شي بكين")
    assert tokens("كوب29") == ["كوب", "29"]
