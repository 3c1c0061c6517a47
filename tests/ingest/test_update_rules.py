"""The update rules on plain values: an entry, what storage knows, the verdict.

No HTTP and no SQLite: decide() and validators() are pure. The end-to-end
counterparts are test_article_identity.py and test_conditional_and_schedule.py.
"""

from __future__ import annotations

import ast
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.urls import canonical_url
from bot.ingest.decide import (
    UPDATE_HARD_LIMIT,
    UPDATE_LIMIT,
    Known,
    KnownArticle,
    Validators,
    decide,
    keys,
    validators,
)
from bot.ingest.parse import Entry
from bot.models import Feed
from tests.paths import ROOT

FEED = Feed(id=1, url="https://news.example.sa/rss")
LINK = "https://news.example.sa/ar/1"
OTHER = "https://news.example.sa/ar/2"
URL = canonical_url(LINK)
T0 = datetime(2026, 11, 2, 8, tzinfo=UTC)
T1 = T0 + timedelta(hours=1)


def item(
    guid: str | None = "g1",
    link: str | None = LINK,
    body: str = "<p>v1</p>",
    updated: datetime | None = None,
) -> Entry:
    return Entry(guid, link, "عنوان الخبر", body, published=T0, updated=updated)


def stored(
    *, id: int = 7, feed_id: int = 1, updates: int = 0, item_updated: datetime | None = None
) -> KnownArticle:
    """The article item() stored, with the first version's content."""
    return KnownArticle(id, feed_id, "g1", URL, item().fingerprint(), updates, item_updated)


CHANGED = item(body="<p>v2</p>")


def dated(updated: datetime) -> Entry:
    return item(body="<p>v2</p>", updated=updated)


def rewritten(times: int, item_updated: datetime | None = T0) -> Known:
    return Known(by_guid={"g1": stored(updates=times, item_updated=item_updated)})


def verdict(entry: Entry, known: Known) -> str:
    plan = decide(FEED, [entry], known)
    outcomes = (
        [f"new {plan.canonical[e]}" for e in plan.fresh]
        + [f"revise {r.id}" for r in plan.revised]
        + [f"bury {key}" for key in plan.buried]
    )
    assert len(outcomes) <= 1
    return outcomes[0] if outcomes else "skip"


@pytest.mark.parametrize(
    ("entry", "known", "expected"),
    [
        pytest.param(item(), Known(), f"new {URL}", id="nothing stored under its keys"),
        pytest.param(item(link=f"{LINK}?utm_source=rss#top"), Known(), f"new {URL}",
                     id="new, known by its canonical URL"),
        pytest.param(item(), Known(by_guid={"g1": stored()}), "skip", id="stored, same content"),
        pytest.param(CHANGED, Known(by_guid={"g1": stored()}), "revise 7",
                     id="stored by guid, content changed"),
        pytest.param(item(guid=None, body="<p>v2</p>"), Known(by_url={URL: stored()}), "revise 7",
                     id="stored by URL, content changed"),
        pytest.param(item(guid="g9", link=f"{LINK}?utm_medium=x", body="<p>v2</p>"),
                     Known(by_url={URL: stored()}), "revise 7",
                     id="a tracking spelling of a stored URL"),
        pytest.param(CHANGED, Known(by_guid={"g1": stored(id=7)}, by_url={URL: stored(id=8)}),
                     "revise 7", id="the guid match comes before the URL match"),
        pytest.param(CHANGED, Known(by_url={URL: stored(feed_id=2)}), "skip",
                     id="stored by another feed: only that feed revises it"),
        pytest.param(CHANGED, rewritten(UPDATE_LIMIT - 1), "revise 7",
                     id="under the rewrite limit"),
        pytest.param(CHANGED, rewritten(UPDATE_LIMIT), "skip",
                     id="at the limit, the item carries no date"),
        pytest.param(dated(T1), rewritten(UPDATE_LIMIT), "revise 7",
                     id="at the limit, the item's date moved on"),
        pytest.param(dated(T0), rewritten(UPDATE_LIMIT), "skip",
                     id="at the limit, the item's date did not move"),
        pytest.param(dated(T0 - timedelta(hours=1)), rewritten(UPDATE_LIMIT), "skip",
                     id="at the limit, the item's date went back"),
        pytest.param(dated(T1), rewritten(UPDATE_LIMIT, item_updated=None), "skip",
                     id="at the limit, no stored date to compare"),
        pytest.param(dated(T1), rewritten(UPDATE_HARD_LIMIT - 1), "revise 7",
                     id="dated, under the hard limit"),
        pytest.param(dated(T1), rewritten(UPDATE_HARD_LIMIT), "skip",
                     id="dated, at the hard limit"),
        pytest.param(item(updated=T1), Known(by_guid={"g1": stored(item_updated=T0)}), "skip",
                     id="a new date alone, same content: nothing to rewrite"),
        pytest.param(item(), Known(tombstone_by_guid={"g1": "g 1 g1"}), "bury g 1 g1",
                     id="a pruned article's guid"),
        pytest.param(item(guid=None), Known(tombstone_by_url={URL: f"u {URL}"}), f"bury u {URL}",
                     id="a pruned article's URL"),
        pytest.param(item(), Known(tombstone_by_guid={"g1": "g 1 g1"},
                                   tombstone_by_url={URL: f"u {URL}"}), "bury g 1 g1",
                     id="the guid's tombstone comes before the URL's"),
        pytest.param(CHANGED, Known(by_url={URL: stored()}, tombstone_by_guid={"g1": "g 1 g1"}),
                     "revise 7", id="a stored article outranks a tombstone"),
        pytest.param(item(link=None), Known(), "skip", id="no link"),
        pytest.param(item(link="javascript:alert(1)"), Known(), "skip", id="not a web link"),
        pytest.param(item(link=None), Known(tombstone_by_guid={"g1": "g 1 g1"}), "skip",
                     id="no link: not even buried"),
    ],
)  # fmt: skip
def test_what_an_entry_means(entry: Entry, known: Known, expected: str) -> None:
    assert verdict(entry, known) == expected


@pytest.mark.parametrize(
    ("items", "kept"),
    [
        pytest.param([("g1", LINK), ("g1", LINK)], [0], id="the same item twice"),
        pytest.param([("g1", LINK), ("g2", LINK)], [0], id="one link under two guids"),
        pytest.param([("g1", LINK), ("g1", OTHER)], [0], id="one guid on two links"),
        pytest.param([(None, LINK), (None, f"{LINK}?utm_source=x#top")], [0],
                     id="two spellings of one URL"),
        pytest.param([("g1", LINK), ("g2", OTHER)], [0, 1], id="two items"),
        pytest.param([("g1", LINK), ("g1", OTHER), ("g2", OTHER)], [0, 2],
                     id="a dropped repeat claims no key"),
        pytest.param([("g1", None), ("g1", LINK)], [1], id="an unlinked item claims no key"),
    ],
)  # fmt: skip
def test_a_feed_that_repeats_an_item_yields_it_once(
    items: list[tuple[str | None, str | None]], kept: list[int]
) -> None:
    entries = [item(guid, link) for guid, link in items]
    plan = decide(FEED, entries, Known())
    assert plan.fresh == tuple(entries[i] for i in kept)
    guids, urls = keys(entries)
    assert guids == [g for i in kept if (g := entries[i].guid)]
    assert urls == [canonical_url(str(entries[i].link)) for i in kept]


def test_a_plan_keeps_the_feeds_order_and_lists_what_to_process() -> None:
    fresh = [item("a", f"{LINK}a"), item("b", f"{LINK}b")]
    buried = item("c", f"{LINK}c")
    known = Known(by_guid={"g1": stored()}, tombstone_by_guid={"c": "g 1 c"})
    plan = decide(FEED, [fresh[0], CHANGED, buried, fresh[1]], known)
    assert plan.fresh == tuple(fresh)
    assert [(r.id, r.entry) for r in plan.revised] == [(7, CHANGED)]
    assert plan.buried == ("g 1 c",)
    assert plan.entries == [*fresh, CHANGED]  # buried items are never processed


OLD = Feed(id=1, url=FEED.url, etag='"old"', last_modified="Mon, 02 Nov 2026 08:00:00 GMT")
NEW_DATE = "Tue, 03 Nov 2026 08:00:00 GMT"


@pytest.mark.parametrize(
    ("feed", "headers", "not_modified", "expected"),
    [
        pytest.param(OLD, {"etag": '"new"', "last-modified": NEW_DATE}, False,
                     Validators('"new"', NEW_DATE), id="200 with both: both replaced"),
        pytest.param(OLD, {"etag": '"new"'}, False, Validators('"new"', None),
                     id="200 without Last-Modified: the old one is dropped"),
        pytest.param(OLD, {"last-modified": NEW_DATE}, False, Validators(None, NEW_DATE),
                     id="200 without ETag: the old one is dropped"),
        pytest.param(OLD, {}, False, Validators(), id="200 without validators: none kept"),
        pytest.param(OLD, {}, True, Validators(OLD.etag, OLD.last_modified),
                     id="304 without validators: the stored ones stay"),
        pytest.param(OLD, {"etag": '"new"'}, True, Validators('"new"', OLD.last_modified),
                     id="304 with a new ETag: refreshed, Last-Modified kept"),
        pytest.param(OLD, {"etag": '"new"', "last-modified": NEW_DATE}, True,
                     Validators('"new"', NEW_DATE), id="304 with both: both refreshed"),
        pytest.param(FEED, {}, True, Validators(), id="304 to a feed that stored none"),
    ],
)  # fmt: skip
def test_which_validators_are_kept(
    feed: Feed, headers: dict[str, str], not_modified: bool, expected: Validators
) -> None:
    assert validators(feed, headers, not_modified=not_modified) == expected


ALLOWED = {"bot.models", "bot.core.urls", "bot.ingest.parse"}


def test_the_rules_import_no_adapter() -> None:
    """decide.py may use the standard library, the models, URLs and the Entry type; no I/O."""
    tree = ast.parse((ROOT / "bot" / "ingest" / "decide.py").read_text(encoding="utf-8"))
    modules = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    modules += [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module]
    ours = {m for m in modules if m.split(".")[0] in {"bot", "storage", "handlers"}}
    foreign = {m.split(".")[0] for m in modules} - {"bot", "__future__"}
    assert ours <= ALLOWED
    assert foreign <= {"collections", "dataclasses", "datetime", "typing"}
