"""Plain values passed between the stages; no behaviour, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time


@dataclass(frozen=True)
class Feed:
    id: int
    url: str
    title: str | None = None
    enabled: bool = True
    etag: str | None = None
    last_modified: str | None = None
    last_success_at: datetime | None = None
    last_status: str | None = None
    last_error: str | None = None
    error_count: int = 0
    next_check_at: datetime | None = None  # None: due now
    full_text: str = "auto"  # fetch article pages: "auto" (short summaries), "on", "off"
    body_hash: str | None = None  # the last body parsed, to skip identical bytes
    site_url: str | None = None
    last_checked_at: datetime | None = None


@dataclass(frozen=True)
class NewArticle:
    """An article as ingestion made it, before it has an id."""

    url: str
    canonical_url: str
    title: str
    summary: str
    text: str
    source: str
    published_at: datetime
    guid: str | None = None
    topics: dict[str, float] = field(default_factory=dict)
    content_hash: str | None = None  # of the item as the feed carried it, to notice updates
    item_updated: datetime | None = None  # the item's own "updated" date, when it has one


ALL_DAYS = frozenset(range(1, 8))  # ISO weekdays


@dataclass(frozen=True)
class Schedule:
    """When a chat's digest goes out, in its local time."""

    times: tuple[time, ...] = (time(8, 0),)
    days: frozenset[int] = ALL_DAYS
    quiet: tuple[time, time] | None = None  # nothing is pushed from [0] to [1]


@dataclass(frozen=True, slots=True)
class User:
    """A chat that receives digests: a reader's private chat, a group or a channel."""

    chat_id: int
    language: str
    timezone: str
    schedule: Schedule = field(default_factory=Schedule)
    paused: bool = False
    active: bool = True
    last_article_id: int | None = None
    digits: str = "arabic"
    max_items: int = 10
    notify_empty: bool = False
    chat_type: str = "private"
    title: str | None = None
    thread_id: int | None = None
    editing_chat_id: int | None = None

    @property
    def digest_time(self) -> time:
        """The first digest time of the day."""
        return self.schedule.times[0]
