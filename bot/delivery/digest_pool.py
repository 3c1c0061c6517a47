"""Reading a run's pool of fresh stories from storage (ingestion filed them; this only reads)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from bot.core.compose import Pool, build_pool
from bot.core.phrases import PhraseMatcher
from storage.stories import StoryRepository


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
