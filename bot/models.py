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


@dataclass(frozen=True)
class StoredArticle:
    id: int
    url: str
    title: str
    summary: str
    source: str
    published_at: datetime
    topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class User:
    chat_id: int
    language: str
    timezone: str
    digest_time: time
    paused: bool = False
    active: bool = True
    last_article_id: int | None = None
