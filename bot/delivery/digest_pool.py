"""Reading a run's pool of fresh stories from storage (ingestion filed them; this only reads)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime

from bot.core.compose import MAX_LOOKBACK, Pool, add_mutes, add_phrases, build_pool
from bot.core.phrases import PhraseMatcher
from storage.stories import StoryRepository

POOLS_KEPT = 2  # a queue read in order meets a new window end rarely, and not again


class PoolReader:
    def __init__(self, stories: StoryRepository, clock: Callable[[], datetime]) -> None:
        self.stories = stories
        self.clock = clock

    async def pool(
        self,
        topics: Sequence[str],
        *,
        newer_than: int,
        since: datetime,
        up_to: int | None = None,
        phrases: Iterable[tuple[str, str]] = (),
        mutes: Iterable[tuple[str, str]] = (),
    ) -> Pool:
        """The fresh stories for these topics and (key, phrase) pairs, ranked once.

        With phrases, every fresh story is read (a phrase may turn up under any topic)
        and so are the article bodies they are matched against. Muted (key, phrase) pairs
        are matched against every article's headline and summary.
        """
        matcher = PhraseMatcher(dict(phrases).items())
        articles = await self.stories.fresh(
            topics if not len(matcher) else None, newer_than=newer_than, since=since, up_to=up_to
        )
        newest = up_to if up_to is not None else await self.stories.newest_article()
        texts = None
        if len(matcher):
            texts = await self.stories.texts([a.id for a in articles if a.id <= newest])
        muted = PhraseMatcher(dict(mutes).items())
        return build_pool(
            articles,
            newest_article=newest,
            now=self.clock(),
            matcher=matcher,
            texts=texts,
            mutes=muted if len(muted) else None,
        )


class RunPools:
    """The pools of one scheduled run: one per window end (`up_to`, the newest article
    when the rows were claimed), each read once, with every fresh story of every topic.

    Their size follows the articles of the last days, never the number of readers. The
    readers' own phrases are matched as pages bring them.
    """

    def __init__(self, stories: StoryRepository, now: datetime) -> None:
        self.stories = stories
        self.now = now
        self._pools: OrderedDict[int, tuple[Pool, set[str], set[str]]] = OrderedDict()

    async def get(
        self, up_to: int, phrases: Mapping[str, str], mutes: Mapping[str, str] | None = None
    ) -> Pool:
        """The pool of window end `up_to`, with these (key -> phrase) and muted phrases
        matched in it."""
        kept = self._pools.get(up_to)
        if kept is None:
            articles = await self.stories.fresh(
                None, newer_than=0, since=self.now - MAX_LOOKBACK, up_to=up_to
            )
            kept = (build_pool(articles, newest_article=up_to, now=self.now), set(), set())
            self._pools[up_to] = kept
            if len(self._pools) > POOLS_KEPT:
                self._pools.popitem(last=False)
        self._pools.move_to_end(up_to)
        pool, matched, muted = kept
        new = {key: phrase for key, phrase in phrases.items() if key not in matched}
        if new:
            matcher = PhraseMatcher(new.items())
            texts = await self.stories.texts([a.id for a in pool.articles])
            add_phrases(pool, matcher, texts)
            matched.update(new)
        new_mutes = {k: p for k, p in (mutes or {}).items() if k not in muted}
        if new_mutes:
            add_mutes(pool, PhraseMatcher(new_mutes.items()))
            muted.update(new_mutes)
        return pool
