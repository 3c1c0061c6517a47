"""`mujaz feeds list|add|remove|enable|disable|fulltext|topics|import|export`: the feed list
by hand."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path

from bot.config import Settings, load_settings
from bot.errors import MujazError
from bot.models import FullText

EXIT_FAILED = 1


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    feeds = sub.add_parser("feeds", help="list, add, remove, import or export feeds")
    actions = feeds.add_subparsers(required=True, metavar="ACTION")

    listing = actions.add_parser("list", help="every feed with its health")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=_run(cmd_list))

    add = actions.add_parser("add", help="fetch an address once and save it as a feed")
    add.add_argument("url")
    add.add_argument("--name", help="the name readers see (default: the feed's title)")
    add.add_argument("--no-check", action="store_true", help="save without fetching it first")
    add.add_argument(
        "--topics",
        default="",
        help="the section the feed is, as topic ids or names, comma-separated (economy,sports):"
        " evidence that tips its borderline items",
    )
    add.set_defaults(handler=_run(cmd_add))

    remove = actions.add_parser("remove", help="delete a feed and its articles")
    remove.add_argument("feed", help="feed id or URL")
    remove.set_defaults(handler=_run(cmd_remove))

    for name, enabled in (("enable", True), ("disable", False)):
        toggle = actions.add_parser(name, help=f"{name} polling of a feed")
        toggle.add_argument("feed", help="feed id or URL")
        toggle.set_defaults(handler=_run(cmd_enable if enabled else cmd_disable))

    full = actions.add_parser(
        "fulltext", help="fetch article pages for a feed: auto (teasers only), on, off"
    )
    full.add_argument("feed", help="feed id or URL")
    full.add_argument("mode", type=FullText, choices=list(FullText))
    full.set_defaults(handler=_run(cmd_fulltext))

    topics = actions.add_parser("topics", help="show or set the section a feed is")
    topics.add_argument("feed", help="feed id or URL")
    topics.add_argument(
        "topics", nargs="?", help="topic ids or names, comma-separated; '' for none"
    )
    topics.set_defaults(handler=_run(cmd_topics))

    opml_in = actions.add_parser("import", help="add the feeds of an OPML (or TOML) file")
    opml_in.add_argument("file", type=Path)
    opml_in.set_defaults(handler=_run(cmd_import))

    opml_out = actions.add_parser("export", help="write the feed list as OPML")
    opml_out.add_argument("file", nargs="?", type=Path, help="default: standard output")
    opml_out.set_defaults(handler=_run(cmd_export))


Command = Callable[[argparse.Namespace, "FeedsServices"], Awaitable[int]]


class FeedsServices:
    """The services a feeds command needs, opened and closed around it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def __aenter__(self) -> FeedsServices:
        from bot.context import Services

        self.services = await Services.create(self.settings)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.services.close()


def _run(command: Command) -> Callable[[argparse.Namespace], int]:
    def handler(args: argparse.Namespace) -> int:
        async def main() -> int:
            async with FeedsServices(load_settings()) as ctx:
                return await command(args, ctx)

        return asyncio.run(main())

    return handler


async def cmd_list(args: argparse.Namespace, ctx: FeedsServices) -> int:
    now = ctx.services.clock()
    health = await ctx.services.feeds.health(now - timedelta(hours=24))
    if args.json:
        rows = [
            {
                "id": h.feed.id,
                "url": h.feed.url,
                "title": h.feed.title,
                "enabled": h.feed.enabled,
                "status": h.feed.last_status,
                "last_success": _iso(h.feed.last_success_at),
                "last_error": h.feed.last_error,
                "errors": h.feed.error_count,
                "next_check": _iso(h.feed.next_check_at),
                "full_text": h.feed.full_text,
                "topics": list(h.feed.topics),
                "articles_24h": h.articles_recent,
            }
            for h in health
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not health:
        print("no feeds yet: mujaz feeds add URL, or mujaz feeds import FILE.opml")
        return 0
    print(f"{'id':>4}  {'status':<16} {'last success':<16} {'err':>3} {'24h':>4}  feed")
    for h in health:
        feed = h.feed
        status = (feed.last_status or "new") if feed.enabled else "disabled"
        success = _short(feed.last_success_at)
        print(
            f"{feed.id:>4}  {status:<16} {success:<16} {feed.error_count:>3} "
            f"{h.articles_recent:>4}  {feed.title or '-'}  {feed.url}"
            + (f"  [{', '.join(feed.topics)}]" if feed.topics else "")
        )
        if feed.last_error:
            print(f"{'':>6}last error: {feed.last_error}")
    return 0


async def cmd_add(args: argparse.Namespace, ctx: FeedsServices) -> int:
    topics = _topic_ids(ctx, args.topics)
    added = await ctx.services.feed_manager.add(
        args.url, name=args.name, check=not args.no_check, topics=topics
    )
    if added.outcome == "bad-url":
        raise MujazError(f"{args.url!r} is not an http(s) address")
    if added.feed is None:
        print(f"mujaz: {added.url}: {added.outcome} ({added.error})", file=sys.stderr)
        return EXIT_FAILED
    feed = added.feed
    verb = "added" if added.outcome == "added" else "already a feed:"
    entries = f", {added.check.entries} entries" if added.check else ""
    found = added.check.language if added.check else None
    if found:
        entries += f", language {found.language} ({found.count} of {found.total} items)"
    print(f"{verb} #{feed.id} {feed.title or ''} {feed.url}{entries}".replace("  ", " "))
    if found and not found.arabic and added.outcome == "added":
        print(
            f"note: its items are mostly not Arabic ({found.language}): they reach alone only"
            " readers who chose that language (/languages)",
            file=sys.stderr,
        )
    return 0


async def cmd_remove(args: argparse.Namespace, ctx: FeedsServices) -> int:
    feed_id = await _feed_id(ctx, args.feed)
    removed = await ctx.services.feed_manager.remove(feed_id)
    assert removed is not None
    feed, articles = removed
    print(f"removed #{feed.id} {feed.url} and its {articles} articles")
    return 0


async def cmd_enable(args: argparse.Namespace, ctx: FeedsServices) -> int:
    await ctx.services.feeds.set_enabled(await _feed_id(ctx, args.feed), True)
    print("enabled; it is checked on the next pass")
    return 0


async def cmd_disable(args: argparse.Namespace, ctx: FeedsServices) -> int:
    await ctx.services.feeds.set_enabled(await _feed_id(ctx, args.feed), False)
    print("disabled")
    return 0


async def cmd_fulltext(args: argparse.Namespace, ctx: FeedsServices) -> int:
    await ctx.services.feeds.set_full_text(await _feed_id(ctx, args.feed), args.mode)
    print(f"full text: {args.mode}")
    return 0


async def cmd_topics(args: argparse.Namespace, ctx: FeedsServices) -> int:
    feed_id = await _feed_id(ctx, args.feed)
    if args.topics is not None:
        await ctx.services.feeds.set_topics(feed_id, _topic_ids(ctx, args.topics))
    feed = await ctx.services.feeds.get(feed_id)
    assert feed is not None
    print(f"#{feed.id} topics: {', '.join(feed.topics) or 'none'}")
    return 0


def _topic_ids(ctx: FeedsServices, given: str) -> tuple[str, ...]:
    """Comma-separated topic ids or names as ids; a label no topic answers to is an error."""
    labels = [label.strip() for label in given.split(",") if label.strip()]
    ids, unknown = ctx.services.feed_manager.topic_ids(labels)
    if unknown:
        known = ", ".join(ctx.services.catalog.ids())
        raise MujazError(f"no topic is called {', '.join(unknown)} (topics: {known})")
    return ids


async def cmd_import(args: argparse.Namespace, ctx: FeedsServices) -> int:
    from bot.ingest.feedlist import FeedListError, parse_feed_list

    try:
        specs = parse_feed_list(args.file.read_bytes())
    except OSError as exc:
        raise MujazError(f"cannot read {args.file}: {exc.strerror}") from None
    except FeedListError as exc:
        raise MujazError(f"{args.file} is not an OPML or TOML feed list: {exc}") from None
    result = await ctx.services.feed_manager.import_specs(specs)
    for url in result.rejected:
        print(f"skipped (not an http(s) address): {url}", file=sys.stderr)
    print(
        f"{len(result.added)} feeds added, {len(result.existing)} already there, "
        f"{len(result.rejected)} skipped"
    )
    usable = result.added or result.existing
    return EXIT_FAILED if result.rejected and not usable else 0


async def cmd_export(args: argparse.Namespace, ctx: FeedsServices) -> int:
    services = ctx.services
    opml = await services.feed_manager.export_opml(title="Mujaz feeds", now=services.clock())
    if args.file:
        args.file.write_text(opml, encoding="utf-8")
        print(f"wrote {args.file}", file=sys.stderr)
    else:
        sys.stdout.write(opml)
    return 0


async def _feed_id(ctx: FeedsServices, given: str) -> int:
    feed = (
        await ctx.services.feeds.get(int(given))
        if given.isdigit()
        else await ctx.services.feeds.by_url(given)
    )
    if feed is None:
        raise MujazError(f"no feed {given!r}; see mujaz feeds list")
    return feed.id


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _short(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "never"
