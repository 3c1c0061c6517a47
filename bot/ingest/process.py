"""A parsed entry becomes an Article: clean text, a summary, a canonical URL, its topics."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from bot.core.clean import clean_text, headline_from_text, html_to_text, one_line, summarize
from bot.core.language import Majority, detect, majority
from bot.core.topics import Classifier, FeedEvidence
from bot.core.urls import canonical_url, is_web_url
from bot.ingest.parse import Entry
from bot.models import NewArticle

MAX_TITLE_CHARS = 300
UNTITLED_TITLE_CHARS = 120
MAX_TEXT_CHARS = 20_000
FUTURE_TOLERANCE = timedelta(hours=1)
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)  # no news feed dates an item before this
# Below this much clean text, the feed carries a teaser and the page may hold the article.
SHORT_TEXT_CHARS = 500


def entry_text(entry: Entry, title: str) -> str:
    """The entry's body as clean plain text, page furniture removed."""
    return clean_text(html_to_text(entry.content_html), title=title)[:MAX_TEXT_CHARS]


def entry_title(entry: Entry) -> str:
    return one_line(entry.title_html)[:MAX_TITLE_CHARS]


def is_short(text: str) -> bool:
    return len(text) < SHORT_TEXT_CHARS


def to_article(
    entry: Entry,
    *,
    source: str,
    classifier: Classifier,
    now: datetime,
    full_text: str | None = None,
    canonical: str | None = None,
    feed_topics: tuple[str, ...] = (),
) -> NewArticle | None:
    """None for an entry a reader could not use: no web link, or neither title nor text.

    `full_text` is the article page's text when it was fetched; it replaces a
    feed's short teaser. An untitled item (RSS allows them) is titled by its lead.
    `canonical` saves recomputing the canonical URL when the caller has it.
    `feed_topics` (the feed's declared section) and the item's own categories are
    evidence for its topics.
    """
    if not entry.link or not is_web_url(entry.link):
        return None
    title = entry_title(entry)
    text = entry_text(entry, title)
    if full_text:
        page = clean_text(full_text, title=title)[:MAX_TEXT_CHARS]
        if len(page) > len(text):
            text = page
    summary_of = text
    if not title:  # headlined by its first sentence, summed up by the rest: never twice
        title, summary_of = headline_from_text(text, max_chars=UNTITLED_TITLE_CHARS)
    if not title:
        return None
    updated = plausible(entry.updated, now)
    published = plausible(entry.published, now) or updated or now
    return NewArticle(
        url=entry.link.strip(),
        canonical_url=canonical or canonical_url(entry.link),
        title=title,
        summary=summarize(summary_of) if summary_of else "",
        text=text,
        source=source,
        published_at=published,
        guid=entry.guid,
        topics=classifier.classify(
            title, text, FeedEvidence(frozenset(feed_topics), entry.categories)
        ).scores,
        content_hash=entry.fingerprint(),
        item_updated=updated,
        lang=detect(title, text),
    )


LANGUAGE_SAMPLE = 20  # items a trial fetch judges a feed's language by


def feed_language(entries: Sequence[Entry]) -> Majority | None:
    """The language most of a feed's first items are in (CPU work: run it in a thread)."""
    return majority(
        detect(entry_title(entry), html_to_text(entry.content_html))
        for entry in entries[:LANGUAGE_SAMPLE]
    )


def plausible(moment: datetime | None, now: datetime) -> datetime | None:
    """The item's own date when a news item could bear it; None for year 1, 2999 and the like."""
    if moment is None or not EARLIEST <= moment <= now + FUTURE_TOLERANCE:
        return None
    return moment
