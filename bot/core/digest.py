"""What goes into a reader's digest: one item per story, ranked, in sections per topic.

Stories are built once per run from every fresh article (`group_stories`), then each
reader's digest is a cheap selection from them (`build_digest`): stories of the
reader's topics that are newer than their last digest, ranked by how many outlets
carry them, how recent they are and how strongly they are about the topic; each story
under its best topic only; at most `limit`, the rest counted for "/digest more". Stories
the reader's own words (/follow) find come first, in a section of their own.

Stories are grouped for a set of reader languages: the lead is an article in one of
them (in the reader's preferred one when there is such an article), articles in other
languages still count as other sources, and a story with no article the reader reads
is not offered at all. So an English item never stands alone in an Arabic digest, but
an English wire story about an Arabic story adds to its sources.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.core.language import effective

SOURCES_WEIGHT = 1.0
RECENCY_WEIGHT = 1.0
TOPIC_WEIGHT = 0.5
RECENCY_HALF_LIFE_HOURS = 12.0
TOPIC_SCORE_FULL = 10.0
# A reader's own words (/follow) name what they most want: a story they match ranks above
# any topic story of the same age and outlets (the topic term is worth at most TOPIC_WEIGHT).
FOLLOW_WEIGHT = 2 * TOPIC_WEIGHT
IDEAL_SUMMARY = 250  # characters; longer leads are not better, shorter ones say less
FOLLOWS = "follows"  # the section of stories found by the reader's own keywords (/follow)


@dataclass(frozen=True)
class StoryArticle:
    id: int
    story_id: int
    url: str
    title: str
    summary: str
    source: str
    published_at: datetime
    topics: Mapping[str, float] = field(default_factory=dict)
    lang: str | None = None  # ISO 639-1; None (stored before detection) reads as Arabic


@dataclass(frozen=True)
class Story:
    id: int
    lead: StoryArticle  # the best-written article, shown as the item
    others: tuple[StoryArticle, ...]  # one article per other outlet
    topics: Mapping[str, float]  # best score per topic over the story's articles
    latest: datetime

    @property
    def sources(self) -> int:
        return 1 + len(self.others)


@dataclass(frozen=True)
class Section:
    topic_id: str
    stories: tuple[Story, ...]


@dataclass(frozen=True)
class Digest:
    sections: tuple[Section, ...]
    more: int = 0  # stories cut by the limit

    @property
    def stories(self) -> list[Story]:
        return [s for section in self.sections for s in section.stories]

    @property
    def story_ids(self) -> list[int]:
        return [s.id for s in self.stories]

    def __len__(self) -> int:
        return sum(len(s.stories) for s in self.sections)


def group_stories(
    articles: Iterable[StoryArticle],
    languages: Collection[str] | None = None,
    prefer: str | None = None,
) -> list[Story]:
    """Stories from their articles; one article per outlet, the best-written one leads.

    With `languages`, the lead is one of the articles in them (in `prefer` when the
    story has one) and a story with none is left out; None reads every language.
    """
    members: dict[int, list[StoryArticle]] = defaultdict(list)
    for article in articles:
        members[article.story_id].append(article)
    stories = []
    for story_id, group in members.items():
        readable = [a for a in group if languages is None or effective(a.lang) in languages]
        if not readable:
            continue
        lead = max(readable, key=lambda a: (effective(a.lang) == prefer, _quality(a)))
        by_source: dict[str, StoryArticle] = {lead.source: lead}
        for article in sorted(group, key=_quality, reverse=True):
            by_source.setdefault(article.source, article)
        topics: dict[str, float] = {}
        for article in group:
            for topic, score in article.topics.items():
                topics[topic] = max(score, topics.get(topic, 0.0))
        stories.append(
            Story(
                id=story_id,
                lead=lead,
                others=tuple(
                    sorted(
                        (a for a in by_source.values() if a is not lead),
                        key=lambda a: a.published_at,
                    )
                ),
                topics=topics,
                latest=max(a.published_at for a in group),
            )
        )
    return stories


class StoryIndex:
    """Stories ranked per topic once per run, so each reader's digest is a short merge.

    A story's rank under the reader's best topic for it (the one it scores highest on)
    is its highest rank among the reader's topics, so walking the reader's topic lists
    in rank order meets every story first at the rank it is placed with.
    """

    def __init__(
        self,
        stories: Iterable[Story],
        now: datetime,
        phrase_hits: Mapping[int, Collection[str]] | None = None,
        mute_hits: Mapping[int, Collection[str]] | None = None,
    ) -> None:
        """`phrase_hits`: story id -> keys of the readers' own phrases found in it;
        `mute_hits`: story id -> keys of readers' muted phrases it names (bot.core.mutes)."""
        self.by_topic: dict[str, list[tuple[float, float, int, Story]]] = defaultdict(list)
        self.ids: dict[str, set[int]] = defaultdict(set)
        self.by_phrase: dict[str, list[tuple[float, float, int, Story]]] = defaultdict(list)
        self.phrase_ids: dict[str, set[int]] = defaultdict(set)
        self.latest: dict[int, datetime] = {}
        self.muted_ids: dict[str, set[int]] = defaultdict(set)
        for story_id, keys in (mute_hits or {}).items():
            for mute in keys:
                self.muted_ids[mute].add(story_id)
        phrase_hits = phrase_hits or {}
        for story in stories:
            self.latest[story.id] = story.latest
            for topic in story.topics:
                key = (-rank(story, topic, now), -story.latest.timestamp(), -story.id, story)
                self.by_topic[topic].append(key)
                self.ids[topic].add(story.id)
            for phrase in phrase_hits.get(story.id, ()):
                key = (-rank(story, FOLLOWS, now), -story.latest.timestamp(), -story.id, story)
                self.by_phrase[phrase].append(key)
                self.phrase_ids[phrase].add(story.id)
        for entries in (*self.by_topic.values(), *self.by_phrase.values()):
            entries.sort(key=lambda e: e[:3])

    def digest(
        self,
        topics: Sequence[str],
        *,
        limit: int,
        newer_than: int = 0,
        exclude: Collection[int] = (),
        since: datetime | None = None,
        phrases: Sequence[str] = (),
        muted: Sequence[str] = (),
    ) -> Digest:
        """The reader's digest: their topics in their order, best stories first, at most `limit`.

        Stories the reader's own phrases find go to the first section, FOLLOWS, and rank
        above topic stories of the same age (FOLLOW_WEIGHT). Stories naming one of the
        reader's `muted` phrase keys are left out, followed or not, and not counted as more.
        """
        order = {topic: i for i, topic in enumerate(topics)}
        excluded = set(exclude).union(*(self.muted_ids.get(m, set()) for m in muted))

        def eligible(story_id: int) -> bool:
            return (
                story_id > newer_than
                and story_id not in excluded
                and (since is None or self.latest[story_id] >= since)
            )

        followed: set[int] = set().union(*(self.phrase_ids.get(p, set()) for p in phrases))
        kept: list[tuple[str, Story]] = []
        seen: set[int] = set()
        lists = [self.by_topic.get(t, []) for t in topics]
        lists += [self.by_phrase.get(p, []) for p in phrases]
        for *_, story in heapq.merge(*lists, key=lambda e: e[:3]):
            if len(kept) == limit:
                break
            if story.id in seen or not eligible(story.id):
                continue
            seen.add(story.id)
            mine = [t for t in story.topics if t in order]
            if story.id in followed or not mine:
                best = FOLLOWS
            else:
                best = max(mine, key=lambda t: (story.topics[t], -order[t]))
            kept.append((best, story))
        candidates: set[int] = followed.union(*(self.ids.get(t, set()) for t in topics))
        total = sum(1 for i in candidates if eligible(i))
        sections = [
            Section(topic, tuple(story for t, story in kept if t == topic))
            for topic in (FOLLOWS, *topics)
            if any(t == topic for t, _ in kept)
        ]
        return Digest(tuple(sections), more=total - len(kept))


def build_digest(
    stories: Iterable[Story],
    topics: Sequence[str],
    *,
    now: datetime,
    limit: int,
    newer_than: int = 0,
    exclude: Collection[int] = (),
) -> Digest:
    """One reader's digest straight from stories (an index of one)."""
    return StoryIndex(stories, now).digest(
        topics, limit=limit, newer_than=newer_than, exclude=exclude
    )


def rank(story: Story, topic: str, now: datetime) -> float:
    """How high the story stands under `topic`; under FOLLOWS, a reader's own words found it."""
    hours = max((now - story.latest).total_seconds() / 3600, 0.0)
    recency = math.exp(-math.log(2) * hours / RECENCY_HALF_LIFE_HOURS)
    if topic == FOLLOWS:
        relevance_term = FOLLOW_WEIGHT
    else:
        relevance_term = TOPIC_WEIGHT * min(story.topics.get(topic, 0.0) / TOPIC_SCORE_FULL, 1.0)
    return SOURCES_WEIGHT * math.log2(1 + story.sources) + RECENCY_WEIGHT * recency + relevance_term


def _quality(article: StoryArticle) -> tuple[float, float]:
    """Prefer a lead close to the ideal length and a headline of readable length; then earliest."""
    summary = min(len(article.summary), IDEAL_SUMMARY)
    headline_penalty = max(len(article.title) - 140, 0)
    return (summary - headline_penalty, -article.published_at.timestamp())
