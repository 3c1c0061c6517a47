"""What one answer from a feed means for storage, decided from plain values.

Like lemon24/reader's Decider: nothing here fetches, parses or touches the
database. The pipeline asks storage what it holds under the entries' keys
(`keys` names them), and `decide` sorts the entries:

- an entry without a web link, or one the feed repeats, is skipped;
- one that names a stored article revises it, if the feed that stored it carries
  it, its content changed, and it has not been rewritten too often already;
- one that names only a pruned article's tombstone is buried: not new, and the
  tombstone is kept alive while a feed still carries it;
- anything else is new.

`validators` decides which HTTP validators to keep after the feed answered.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from bot.core.urls import canonical_url, is_web_url
from bot.models import Feed

if TYPE_CHECKING:  # a value type only: storage imports this module and needs no parser
    from bot.ingest.parse import Entry

UPDATE_LIMIT = 3  # rewrites of one article whose item date does not move
UPDATE_HARD_LIMIT = 20  # rewrites even when the item says it was revised


@dataclass(frozen=True)
class KnownArticle:
    """What the update rules need of a stored article."""

    id: int
    feed_id: int
    guid: str | None
    canonical_url: str
    content_hash: str | None
    updates: int
    item_updated: datetime | None


@dataclass(frozen=True)
class Known:
    """What storage holds under a batch's keys: stored articles and pruned ones' tombstones."""

    by_guid: Mapping[str, KnownArticle] = field(default_factory=dict)  # this feed's guids
    by_url: Mapping[str, KnownArticle] = field(default_factory=dict)  # any feed's URLs
    tombstone_by_guid: Mapping[str, str] = field(default_factory=dict)  # guid → key (this feed)
    tombstone_by_url: Mapping[str, str] = field(default_factory=dict)  # canonical URL → key

    def article(self, guid: str | None, url: str) -> KnownArticle | None:
        """The stored article an item names: by its guid in this feed, else by its URL."""
        return (self.by_guid.get(guid) if guid else None) or self.by_url.get(url)

    def tombstone(self, guid: str | None, url: str) -> str | None:
        """The key of the pruned article an item names, the same way."""
        key = self.tombstone_by_guid.get(guid) if guid else None
        return key or self.tombstone_by_url.get(url)


@dataclass(frozen=True)
class Revision:
    """A stored article's new version: the item that revises it."""

    id: int
    entry: Entry


# At most this many new (and as many revised) items of one feed are processed in a pass: a
# feed of 30,000 items must not store 30,000 articles every ten minutes. The rest, in the
# feed's order (newest first, as feeds list them), wait for the next pass.
MAX_NEW_PER_PASS = 200


@dataclass(frozen=True)
class Plan:
    """What to store of one feed's entries, in the feed's order."""

    fresh: tuple[Entry, ...] = ()  # to process and insert
    revised: tuple[Revision, ...] = ()  # to process and rewrite in place
    buried: tuple[str, ...] = ()  # tombstone keys the feed still carries: kept alive
    canonical: Mapping[Entry, str] = field(default_factory=dict)  # each linked entry's URL
    deferred: int = 0  # new or revised entries past the per-pass cap, left for a later pass

    @property
    def entries(self) -> list[Entry]:
        """The entries that become articles: fresh ones, then revised ones."""
        return [*self.fresh, *(r.entry for r in self.revised)]


@dataclass(frozen=True)
class Validators:
    etag: str | None = None
    last_modified: str | None = None


def keys(entries: Iterable[Entry]) -> tuple[list[str], list[str]]:
    """The guids and canonical URLs to look up before deciding on these entries."""
    linked = linked_once(entries)
    return [e.guid for e, _ in linked if e.guid], [url for _, url in linked]


def decide(feed: Feed, entries: Iterable[Entry], known: Known) -> Plan:
    """Sort a feed's entries into new, revised and buried, given what storage knows."""
    fresh: list[Entry] = []
    revised: list[Revision] = []
    buried: list[str] = []
    linked = linked_once(entries)
    for entry, url in linked:
        stored = known.article(entry.guid, url)
        if stored is not None:
            if may_revise(stored, entry, feed.id):
                revised.append(Revision(stored.id, entry))
        elif key := known.tombstone(entry.guid, url):
            buried.append(key)
        else:
            fresh.append(entry)
    deferred = max(0, len(fresh) - MAX_NEW_PER_PASS) + max(0, len(revised) - MAX_NEW_PER_PASS)
    return Plan(
        tuple(fresh[:MAX_NEW_PER_PASS]),
        tuple(revised[:MAX_NEW_PER_PASS]),
        tuple(buried),
        canonical=dict(linked),
        deferred=deferred,
    )


def linked_once(entries: Iterable[Entry]) -> list[tuple[Entry, str]]:
    """Entries with a web link, each once (a feed may repeat an item), with canonical URLs.

    An entry repeats an earlier one when it shares its guid or its canonical URL;
    a repeat is dropped and claims neither key.
    """
    seen: set[str] = set()
    linked = []
    for entry in entries:
        if not entry.link or not is_web_url(entry.link):
            continue
        url = canonical_url(entry.link)
        item_keys = {f"u {url}"} | ({f"g {entry.guid}"} if entry.guid else set())
        if item_keys & seen:
            continue
        seen |= item_keys
        linked.append((entry, url))
    return linked


def may_revise(stored: KnownArticle, entry: Entry, feed_id: int) -> bool:
    """Only the feed that stored an article revises it, and not forever.

    An item whose bytes change on every fetch (a counter, a rotating ad) stops
    being rewritten after a few times; one whose own "updated" date moves gets
    more room.
    """
    if stored.feed_id != feed_id or stored.content_hash == entry.fingerprint():
        return False
    if stored.updates < UPDATE_LIMIT:
        return True
    dated = entry.updated and stored.item_updated and entry.updated > stored.item_updated
    return bool(dated) and stored.updates < UPDATE_HARD_LIMIT


def validators(feed: Feed, headers: Mapping[str, str], *, not_modified: bool) -> Validators:
    """The ETag and Last-Modified to send next time (`headers` has lowercase names).

    A 200 replaces both: a missing one described the old body and is dropped.
    A 304 may refresh them, and keeps what it does not resend.
    """
    etag, modified = headers.get("etag"), headers.get("last-modified")
    if not_modified:
        return Validators(etag or feed.etag, modified or feed.last_modified)
    return Validators(etag, modified)
