"""A parsed entry becomes an Article: clean text, a summary, a canonical URL, its topics."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.core.clean import clean_text, html_to_text, one_line, summarize
from bot.core.topics import Classifier
from bot.core.urls import canonical_url, is_web_url
from bot.ingest.parse import Entry
from bot.models import NewArticle

MAX_TITLE_CHARS = 300
MAX_TEXT_CHARS = 20_000
FUTURE_TOLERANCE = timedelta(hours=1)


def to_article(
    entry: Entry, *, source: str, classifier: Classifier, now: datetime
) -> NewArticle | None:
    """None for an entry a reader could not use: no title or no web link."""
    title = one_line(entry.title_html)[:MAX_TITLE_CHARS]
    if not title or not entry.link or not is_web_url(entry.link):
        return None
    text = clean_text(html_to_text(entry.content_html), title=title)[:MAX_TEXT_CHARS]
    published = entry.published
    if published is None or published > now + FUTURE_TOLERANCE:
        published = now
    return NewArticle(
        url=entry.link.strip(),
        canonical_url=canonical_url(entry.link),
        title=title,
        summary=summarize(text),
        text=text,
        source=source,
        published_at=published,
        guid=entry.guid,
        topics=classifier.classify(title, text).scores,
    )
