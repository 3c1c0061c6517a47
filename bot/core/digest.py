"""Which stored articles go into a reader's digest, in what order."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.normalize import normalize
from bot.core.render import DigestItem
from bot.models import StoredArticle

DEFAULT_LIMIT = 10


def select_items(
    articles: Sequence[StoredArticle], *, limit: int = DEFAULT_LIMIT
) -> tuple[list[DigestItem], int]:
    """Newest first, one item per headline, at most `limit`; also how many were left out."""
    seen: set[str] = set()
    unique: list[StoredArticle] = []
    for article in sorted(articles, key=lambda a: (a.published_at, a.id), reverse=True):
        key = normalize(article.title)
        if key in seen:
            continue
        seen.add(key)
        unique.append(article)
    chosen = unique[:limit]
    items = [
        DigestItem(
            title=a.title,
            url=a.url,
            summary=a.summary,
            source=a.source,
            published_at=a.published_at,
        )
        for a in chosen
    ]
    return items, len(unique) - len(chosen)
