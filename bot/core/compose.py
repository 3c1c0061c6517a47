"""A chat's digest from a run's pool of fresh stories: selected, rendered, shared.

A run (a schedule tick, or one /digest) ranks the fresh stories once into a `Pool`,
once per distinct set of reader languages (a story's lead depends on them).
Chats that would get the same digest (same topics, phrases, muted phrases, languages,
settings — silent and preview included —, last digest and local date) have the same
`rendering_key` and share one rendering, so the cost grows with distinct combinations,
not chats. Plain values in, plain values out: the adapter (`bot/delivery/digest_pool.py`)
reads the stories from storage.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import NamedTuple

from bot.core.digest import Digest, Story, StoryArticle, StoryIndex, group_stories
from bot.core.language import preferred, reader_languages, sorted_languages
from bot.core.mutes import muted_stories
from bot.core.phrases import PhraseMatcher
from bot.core.render import Renderer, default_digits
from bot.core.schedule import zone
from bot.core.topics import Catalog
from bot.models import Chat, Digits

FIRST_DIGEST_LOOKBACK = timedelta(hours=24)
MAX_LOOKBACK = timedelta(days=3)
RENDERINGS_KEPT = 64

StoryLink = Callable[[Story], str | None]


def no_link(story: Story) -> str | None:
    """Previews and uninitialized bots link no story."""
    return None


def is_public(chat: Chat) -> bool:
    """A group's or a channel's digest is a post for many: not "your digest"."""
    return chat.chat_type != "private"


def lookback(chat: Chat, now: datetime) -> datetime:
    """How far back a chat's digest reaches: a day for its first, three days after that."""
    return now - (MAX_LOOKBACK if chat.last_article_id else FIRST_DIGEST_LOOKBACK)


Part = tuple[str, tuple[str, ...]]  # a topic (or FOLLOWS) and its messages


@dataclass(frozen=True)
class Composed:
    messages: list[str]  # empty when there is nothing new
    window: tuple[int, int]  # stories after [0] up to [1] were considered
    story_ids: list[int] = field(default_factory=list)
    preview_url: str | None = None  # /preview on: the lead story, shown large above message 1
    silent: bool = False  # /silent on: sent (when scheduled) without a notification
    # By topic (a forum chat with a thread per topic): each section as a digest of its own,
    # in order; `messages` then holds them all, one after another.
    sections: tuple[Part, ...] = ()


class RenderingKey(NamedTuple):
    """Chats with equal keys get the very same digest messages; keys sort, so a run
    can visit chats grouped by key."""

    topics: tuple[str, ...]
    phrases: tuple[str, ...]
    language: str
    languages: tuple[str, ...]  # what the chat reads: the stories offered and their leads
    digits: Digits
    max_items: int
    public: bool  # a group's or a channel's post: no reader's wording or commands
    newer_than: int
    local_date: date
    mutes: tuple[str, ...] = ()  # keys of the chat's muted phrases (/mute)
    silent: bool = False
    preview: bool = False
    by_topic: bool = False  # one digest per topic section, for a thread each (/threads)


def rendering_key(
    chat: Chat,
    topics: Sequence[str],
    phrases: Sequence[str],
    now: datetime,
    mutes: Sequence[str] = (),
    *,
    by_topic: bool = False,
) -> RenderingKey:
    return RenderingKey(
        tuple(topics),
        tuple(phrases),
        chat.language,
        sorted_languages(reader_languages(chat.language, chat.languages)),
        chat.digits or default_digits(chat.language),
        chat.max_items,
        is_public(chat),
        chat.last_article_id or 0,
        now.astimezone(zone(chat.timezone)).date(),
        tuple(sorted(mutes)),
        chat.silent,
        chat.link_preview,
        by_topic,
    )


@dataclass
class Pool:
    """The fresh articles of one run, ranked once per reading, shared by every chat it serves.

    A reading is a set of languages and the one preferred for leads; each has its own
    stories (bot.core.digest.group_stories) and index, made on first use. Renderings are
    kept in a small LRU: a run visits chats grouped by rendering key, so each rendering
    is made once and memory stays flat however many chats there are.
    """

    articles: list[StoryArticle]
    newest_article: int
    now: datetime
    phrase_hits: dict[int, set[str]] = field(default_factory=dict)  # story -> phrase keys
    mute_hits: dict[int, set[str]] = field(default_factory=dict)  # story -> muted keys
    renderings: OrderedDict[tuple[object, ...], Composed] = field(default_factory=OrderedDict)
    rendered: int = 0  # renderings made (cache misses)
    indexes: dict[tuple[tuple[str, ...], str], StoryIndex] = field(default_factory=dict)

    @property
    def stories(self) -> list[Story]:
        """Every story, in every language."""
        return group_stories(self.articles)

    def index(self, languages: frozenset[str], prefer: str) -> StoryIndex:
        """The stories a reader of `languages` is offered, leads in `prefer` where possible."""
        key = (sorted_languages(languages), prefer)
        index = self.indexes.get(key)
        if index is None:
            stories = group_stories(self.articles, languages, prefer)
            index = self.indexes[key] = StoryIndex(
                stories, self.now, self.phrase_hits, self.mute_hits
            )
        return index

    def cached(self, key: tuple[object, ...]) -> Composed | None:
        composed = self.renderings.get(key)
        if composed is not None:
            self.renderings.move_to_end(key)
        return composed

    def keep(self, key: tuple[object, ...], composed: Composed) -> None:
        self.rendered += 1
        self.renderings[key] = composed
        if len(self.renderings) > RENDERINGS_KEPT:
            self.renderings.popitem(last=False)


def build_pool(
    articles: Iterable[StoryArticle],
    *,
    newest_article: int,
    now: datetime,
    matcher: PhraseMatcher[str] | None = None,
    texts: Mapping[int, str] | None = None,
    mutes: PhraseMatcher[str] | None = None,
) -> Pool:
    """Stories of the articles up to `newest_article`, with the phrases each one carries.

    A phrase may occur in an article's body only: `texts` (article id -> body) are
    matched where given, the summary otherwise. Muted phrases (`mutes`) are matched
    against headlines and summaries only (see bot.core.mutes).
    """
    kept = [a for a in articles if a.id <= newest_article]
    pool = Pool(kept, newest_article, now)
    if matcher is not None and len(matcher):
        add_phrases(pool, matcher, texts)
    if mutes is not None:
        add_mutes(pool, mutes)
    return pool


def add_mutes(pool: Pool, mutes: PhraseMatcher[str]) -> None:
    """Mark the pool's stories that name these muted phrases (more readers' mutes mid-run);
    like `add_phrases`, the per-reading indexes are made again on next use."""
    for story_id, keys in muted_stories(pool.articles, mutes).items():
        pool.mute_hits.setdefault(story_id, set()).update(keys)
    pool.indexes.clear()


def add_phrases(
    pool: Pool, matcher: PhraseMatcher[str], texts: Mapping[int, str] | None = None
) -> None:
    """Mark the pool's stories that carry these phrases (more readers' words mid-run).

    The per-reading indexes are made again on next use; renderings already made stay
    right, since they belong to readers whose phrases were matched before.
    """
    bodies = texts or {}
    for article in pool.articles:
        found = matcher.match(article.title, bodies.get(article.id) or article.summary)
        if found:
            pool.phrase_hits.setdefault(article.story_id, set()).update(found)
    pool.indexes.clear()


@dataclass(frozen=True)
class Composer:
    """Selects a chat's stories from a pool and renders them, once per distinct digest."""

    renderer: Renderer
    catalog: Catalog

    def compose(
        self,
        chat: Chat,
        topics: Sequence[str],
        pool: Pool,
        *,
        now: datetime,
        phrases: Sequence[str] = (),
        mutes: Sequence[str] = (),
        since: datetime | None = None,
        exclude: Sequence[int] = (),
        story_link: StoryLink = no_link,
        by_topic: bool = False,
    ) -> Composed:
        """The chat's digest: stories newer than its last digest and `since` (its
        lookback when None), ranked; `exclude` holds stories already sent; stories naming
        one of the `mutes` (muted phrase keys) are left out. `by_topic` renders each section
        as a digest of its own (a forum thread per topic)."""
        key = (
            *rendering_key(chat, topics, phrases, now, mutes, by_topic=by_topic),
            since,
            tuple(exclude),
        )
        cached = pool.cached(key)
        if cached is not None:
            return cached
        newer_than = chat.last_article_id or 0
        languages = reader_languages(chat.language, chat.languages)
        index = pool.index(languages, preferred(chat.language, languages))
        digest: Digest = index.digest(
            topics,
            limit=chat.max_items,
            newer_than=newer_than,
            exclude=exclude,
            since=since or lookback(chat, now),
            phrases=phrases,
            muted=mutes,
        )
        messages: list[str] = []
        sections: list[Part] = []
        if len(digest):

            def render(part: Digest) -> list[str]:
                return self.renderer.digest(
                    chat.language,
                    part,
                    catalog=self.catalog,
                    now=now.astimezone(zone(chat.timezone)),
                    digit_style=chat.digits or default_digits(chat.language),
                    story_link=story_link,
                    limit=chat.max_items,
                    public=is_public(chat),
                )

            if by_topic:
                shown = [s for s in digest.sections if s.stories]
                for n, section in enumerate(shown):
                    more = digest.more if n == len(shown) - 1 else 0
                    part = tuple(render(Digest((section,), more)))
                    sections.append((section.topic_id, part))
                    messages.extend(part)
            else:
                messages = render(digest)
        lead = digest.stories[0].lead.url if chat.link_preview and len(digest) else None
        composed = Composed(
            messages,
            (newer_than, pool.newest_article),
            digest.story_ids,
            preview_url=lead,
            silent=chat.silent,
            sections=tuple(sections),
        )
        pool.keep(key, composed)
        return composed
