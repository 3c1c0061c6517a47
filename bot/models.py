"""Plain values passed between the stages; no behaviour, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from enum import StrEnum


class DeliveryStatus(StrEnum):
    """A ledger row's state: a digest period's, or one broadcast recipient's.

    pending → sending → sent | empty | failed | blocked; `sending` left by a hard kill
    becomes uncertain (never resent); a cancelled broadcast's pending rows are skipped.
    """

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    EMPTY = "empty"  # a digest with nothing new: nothing was sent
    FAILED = "failed"
    BLOCKED = "blocked"
    UNCERTAIN = "uncertain"
    SKIPPED = "skipped"

    @property
    def closed(self) -> bool:
        """Final for a broadcast recipient: its row is never touched again."""
        return self not in (DeliveryStatus.PENDING, DeliveryStatus.SENDING, DeliveryStatus.EMPTY)


class DigestKind(StrEnum):
    """Why a digest ledger row exists: its schedule, /digest, or /digest more."""

    SCHEDULED = "digest"
    MANUAL = "manual-digest"
    MORE = "more-digest"


class BroadcastStatus(StrEnum):
    DRAFT = "draft"
    RUNNING = "running"
    DONE = "done"
    CANCELLED = "cancelled"
    DISCARDED = "discarded"


class FeedStatus(StrEnum):
    """How a feed's last check ended; an HTTP error is `http-<code>` (see `http_status`)."""

    OK = "ok"
    NOT_MODIFIED = "not-modified"
    ERROR = "error"
    TIMEOUT = "timeout"
    TOO_LARGE = "too-large"
    REDIRECT_LOOP = "redirect-loop"
    CONNECTION_RESET = "connection-reset"
    NOT_A_FEED = "not-a-feed"
    UNREADABLE = "unreadable"
    CONNECT_FAILED = "connect-failed"
    BAD_ENCODING = "bad-encoding"  # a broken, unknown or stacked Content-Encoding
    BAD_URL = "bad-url"
    BAD_REDIRECT = "bad-redirect"
    TOO_MANY_REDIRECTS = "too-many-redirects"
    NETWORK_ERROR = "network-error"
    PRIVATE_ADDRESS = "private-address"  # loopback, private, link-local…: not fetched (SSRF)
    HOSTILE_DTD = "refused-dtd"  # entity declarations that could crash or flood the parser
    PARSER_CRASHED = "parser-crashed"  # the parser process died on this feed; it is restarted
    PARSE_TIMEOUT = "parse-timeout"  # parsing outlasted its bound; the process is replaced
    GONE = "http-410"  # the publisher removed the feed: it is disabled


def http_status(code: int) -> str:
    """The feed status of an HTTP error answer."""
    return FeedStatus.GONE if code == 410 else f"http-{code}"


class FullText(StrEnum):
    """Whether a feed's article pages are fetched for their text."""

    AUTO = "auto"  # only when the feed carries a short teaser and the page is on its site
    ON = "on"
    OFF = "off"


class Digits(StrEnum):
    ARABIC = "arabic"  # ٠١٢٣
    LATIN = "latin"  # 0123


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
    full_text: FullText = FullText.AUTO
    body_hash: str | None = None  # the last body parsed, to skip identical bytes
    site_url: str | None = None
    last_checked_at: datetime | None = None
    topics: tuple[str, ...] = ()  # the feed's declared section: evidence for classification


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
    lang: str | None = None  # ISO 639-1, detected at ingestion (bot/core/language.py)


ALL_DAYS = frozenset(range(1, 8))  # ISO weekdays


@dataclass(frozen=True)
class Schedule:
    """When a chat's digest goes out, in its local time."""

    times: tuple[time, ...] = (time(8, 0),)
    days: frozenset[int] = ALL_DAYS
    quiet: tuple[time, time] | None = None  # nothing is pushed from [0] to [1]


@dataclass(frozen=True, slots=True)
class Chat:
    """A chat that receives digests: a reader's private chat, a group or a channel."""

    chat_id: int
    language: str
    timezone: str
    schedule: Schedule = field(default_factory=Schedule)
    paused: bool = False
    active: bool = True
    last_article_id: int | None = None
    digits: Digits | None = None  # None: not chosen, so the language's (see default_digits)
    max_items: int = 10
    notify_empty: bool = False
    chat_type: str = "private"
    title: str | None = None
    thread_id: int | None = None
    editing_chat_id: int | None = None
    languages: frozenset[str] | None = None  # what it reads (/languages); None: the default
    silent: bool = False  # /silent: scheduled digests arrive without a notification
    link_preview: bool = False  # /preview: a large preview of the lead story above the digest
