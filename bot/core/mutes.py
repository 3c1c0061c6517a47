"""Muted phrases (/mute): the stories a reader asked not to see.

A story is muted for a reader when the headline or the summary of **any** of its
articles (any outlet, any language) names one of the reader's muted phrases. Phrases
are matched exactly as /follow matches them (bot/core/phrases.py): the same
normalization and spelling folds (إسرائيل = اسرائيل, ة/ه, ى/ي, diacritics), Arabic
proclitics in front (وبالانتخابات), derivation endings for longer words, never inside
another word. The body is not read: a name mentioned in passing in an article's ninth
paragraph should not hide a story whose headline and lead are about something else,
and what the reader would see of a story (any outlet's headline and lead) is what
decides. A muted phrase wins over a followed one.

    hits = muted_stories(articles, PhraseMatcher(pairs))   # story id -> muted keys
    StoryIndex(stories, now, mute_hits=hits).digest(topics, muted=reader_keys, ...)
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.core.digest import StoryArticle
from bot.core.phrases import PhraseMatcher


def muted_stories(
    articles: Iterable[StoryArticle], matcher: PhraseMatcher[str]
) -> dict[int, set[str]]:
    """Story id -> keys of the muted phrases its articles' headlines or summaries name."""
    hits: dict[int, set[str]] = {}
    if not len(matcher):
        return hits
    for article in articles:
        found = matcher.match(article.title, article.summary)
        if found:
            hits.setdefault(article.story_id, set()).update(found)
    return hits
