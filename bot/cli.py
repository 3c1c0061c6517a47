"""The `mujaz` command: run the bot, ingest, classify, preview digests, stories, topics."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import re
import sys
import time
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli_backups import add_parser as add_backup_parser
from bot.cli_db import add_parser as add_db_parser
from bot.cli_feeds import add_parser as add_feeds_parser
from bot.cli_ops import add_parser as add_ops_parser
from bot.config import TEMPLATES_DIR, Settings, load_settings
from bot.errors import ConfigError, LeaseHeld, MujazError
from bot.roles import Role, parse_role

if TYPE_CHECKING:
    from bot.held_lease import HeldLease
    from bot.ingest.pipeline import FeedReport

EXIT_CONFIG = 2
EXIT_LEASE = 3
_DURATION = re.compile(r"^(\d+)\s*([mhd])$")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except ConfigError as exc:
        print(f"mujaz: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except LeaseHeld as exc:
        print(f"mujaz: {exc}", file=sys.stderr)
        return EXIT_LEASE
    except MujazError as exc:
        print(f"mujaz: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mujaz", description=__doc__)
    parser.add_argument("--version", action=_Version, help="the release and its database schema")
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="run the Telegram bot (long polling, or a webhook)")
    run.add_argument(
        "--role",
        type=parse_role,
        default=Role.ALL,
        metavar="all|bot|ingest",
        help="all (default): the whole bot in one process; bot: answer chats, plan and deliver,"
        " no ingestion; ingest: fetch, parse, classify and file stories, no Telegram (several"
        " may run beside one bot)",
    )
    run.set_defaults(handler=cmd_run)

    takeover = sub.add_parser(
        "takeover", help="take the sender lease from a bot whose host is gone (after a move)"
    )
    takeover.set_defaults(handler=cmd_takeover)

    ingest = sub.add_parser("ingest", help="one ingestion pass over the feeds, then a summary")
    ingest.add_argument(
        "sources",
        nargs="*",
        metavar="URL",
        help="feed URLs or files, read once and not added to the polled feeds (default: all"
        " enabled feeds)",
    )
    ingest.add_argument("--json", action="store_true", help="print the summary as JSON")
    ingest.set_defaults(handler=cmd_ingest)

    classify = sub.add_parser(
        "classify",
        help="JSON Lines in (id, title, text; optional categories, feed_topics), topics out",
    )
    classify.add_argument(
        "--explain",
        action="store_true",
        help="instead of JSON: per article, the keywords that fired where and each topic's score",
    )
    classify.set_defaults(handler=cmd_classify)

    preview = sub.add_parser("preview", help="print digest messages as they would be sent")
    preview.add_argument("--topics", required=True, help="topic ids or names, comma-separated")
    preview.add_argument("--since", default="24h", type=_duration, help="e.g. 90m, 24h, 2d")
    preview.add_argument("--lang", default="ar", choices=("ar", "en"))
    preview.set_defaults(handler=cmd_preview)

    stories = sub.add_parser("stories", help="the stories filed lately, and why they hold together")
    stories.add_argument("--since", default="24h", type=_duration, help="e.g. 90m, 24h, 2d")
    stories.add_argument("--explain", type=int, metavar="ID", help="an article id: why it is there")
    stories.set_defaults(handler=cmd_stories)

    add_feeds_parser(sub)
    add_ops_parser(sub)
    add_backup_parser(sub)
    add_db_parser(sub)

    topics = sub.add_parser("topics", help="the topic catalog")
    topics.set_defaults(handler=cmd_topics)
    return parser


class _Version(argparse.Action):
    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help=str(kwargs.get("help", "")))

    def __call__(self, parser: argparse.ArgumentParser, *args: object) -> None:
        from bot.version import describe

        print(describe())
        parser.exit()


def _duration(text: str) -> timedelta:
    match = _DURATION.match(text.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration like 90m, 24h or 2d")
    unit = {"m": "minutes", "h": "hours", "d": "days"}[match.group(2)]
    return timedelta(**{unit: int(match.group(1))})


def _logging(settings: Settings, *, quiet: bool = False) -> None:
    """LOG_LEVEL and LOG_FORMAT; `quiet` commands (ingest) say only warnings unless at DEBUG."""
    from bot.core.secrets import secret_forms
    from bot.logs import configure, parse_level

    level = parse_level(settings.log_level)
    if quiet and level > logging.DEBUG:
        level = max(level, logging.WARNING)
    configure(level, settings.log_format, secrets=secret_forms(settings.bot_token))


def cmd_run(args: argparse.Namespace) -> int:
    settings = load_settings()
    role: Role = args.role
    if role is Role.INGEST:  # no Telegram: no token needed, no lease taken
        return _run_ingest_role(settings)
    if not settings.bot_token:
        print((TEMPLATES_DIR / "cli" / "no_token.txt").read_text(encoding="utf-8"), file=sys.stderr)
        return EXIT_CONFIG
    from bot.ingest.feedlist import load_feed_list

    load_feed_list(settings.feeds_file)  # a broken feed list stops us here, not mid-start
    # So do an unusable database and another bot that sends from it.
    _logging(settings)
    if role.ingests:
        _warn_if_uncompiled()
    lease = asyncio.run(_take_sender_lease(settings))
    from bot.app import build_application
    from bot.ops.webhook import ALLOWED_UPDATES, run_webhook

    app = build_application(settings, lease=lease, role=role)
    if settings.webhook_url:
        run_webhook(app, settings)  # WEBHOOK_URL: Telegram posts to OPS_LISTEN
    else:
        app.run_polling(allowed_updates=ALLOWED_UPDATES)
    return 0


def _run_ingest_role(settings: Settings) -> int:
    from bot.ingest.feedlist import load_feed_list
    from bot.ingest_role import run_ingest_role

    load_feed_list(settings.feeds_file)
    _logging(settings)
    _warn_if_uncompiled()
    asyncio.run(run_ingest_role(settings))
    return 0


def _warn_if_uncompiled() -> None:
    """Ingestion runs several times slower where `make` (or the image) could not compile
    the hot path: said once at the start, where an operator reads."""
    from bot.core.hot_path import uncompiled

    plain = uncompiled()
    if plain:
        logging.getLogger("bot.cli").warning(
            "the hot path runs as plain Python, several times slower: %s not compiled "
            "(a C compiler and `make`, or `python setup.py build_ext --inplace`, build them)",
            ", ".join(plain),
        )


async def _take_sender_lease(settings: Settings) -> HeldLease:
    """Open (and migrate) the database, then take the sender lease (SQLite) or say how the
    application will (PostgreSQL: it waits as the standby while another bot holds it).

    DatabaseUnusable is one line and exit 2; on SQLite a live holder is LeaseHeld, exit 3.
    """
    from bot.held_lease import HeldLease
    from bot.lease import this_process
    from storage.connect import open_database
    from storage.db import utc_now
    from storage.lease import LeaseRepository

    db = await open_database(settings.database_path, settings.database_url)
    try:
        me = this_process(utc_now())
        if settings.database_url:
            from storage.lease_pg import PostgresLeaseRepository

            return HeldLease(me, PostgresLeaseRepository(settings.database_url))
        holder = await LeaseRepository(db).acquire(me)
    finally:
        await db.close()
    if holder is not None:
        raise LeaseHeld(
            f"another bot already sends from {_database_named(settings)}: "
            f"{holder.describe(me.heartbeat_at)}. Stop it first; if its host is gone for"
            " good, `mujaz takeover` hands the database to this host."
        )
    return HeldLease(me)


def _database_named(settings: Settings) -> str:
    """The database in a message: its file, or "the PostgreSQL database" (a URL may hold a
    password)."""
    return "the PostgreSQL database" if settings.database_url else str(settings.database_path)


def cmd_takeover(args: argparse.Namespace) -> int:
    return asyncio.run(_takeover(load_settings()))


async def _takeover(settings: Settings) -> int:
    """Break the sender lease, then wait out one heartbeat so an old bot still running sees
    it lost the lease and stops before this host starts sending. On PostgreSQL the holder's
    session is ended too, which frees the lock at once (a waiting standby takes it)."""
    from storage.connect import open_database
    from storage.db import utc_now
    from storage.lease import LeaseRepository

    db = await open_database(settings.database_path, settings.database_url)
    try:
        if settings.database_url:
            from storage.lease_pg import PostgresLeaseRepository

            held = await PostgresLeaseRepository(settings.database_url).break_lease()
        else:
            held = await LeaseRepository(db).break_lease()
    finally:
        await db.close()
    if held is None:
        print("mujaz: no bot held the sender lease; `mujaz run` may start")
        return 0
    print(f"mujaz: lease taken from {held.describe(utc_now())}; waiting for it to stop…")
    await asyncio.sleep(settings.lease_heartbeat_seconds + 2)
    print("mujaz: done; `mujaz run` may start here")
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    return asyncio.run(_ingest(load_settings(), args.sources, as_json=args.json))


async def _ingest(settings: Settings, sources: list[str], *, as_json: bool) -> int:
    from bot.app import seed_feeds
    from bot.context import Services

    _logging(settings, quiet=True)
    services = await Services.create(settings)
    try:
        await seed_feeds(services)
        if sources:  # a one-off pass: a feed new to us is stored disabled, never polled
            feeds = [(await services.feeds.add(_source_url(s), enabled=False))[0] for s in sources]
        else:
            feeds = await services.feeds.all(enabled_only=True)
        progress = _Progress(len(feeds)) if _Progress.wanted(as_json) else None
        reports = await services.ingestor.run(feeds, on_done=progress.step if progress else None)
    finally:
        await services.close()
    if as_json:
        print(json.dumps([r.as_json() for r in reports], ensure_ascii=False, indent=2))
    else:
        for r in reports:
            detail = f"  ({r.error})" if r.error else ""
            print(f"{r.status:<13} {r.entries:>5} entries {r.new:>5} new  {r.url}{detail}")
        ok = sum(not r.failed for r in reports)
        print(f"{len(reports)} feeds, {ok} answered, {sum(r.new for r in reports)} new articles")
    return 0


def _source_url(source: str) -> str:
    if re.match(r"^https?://", source, re.IGNORECASE):
        return source
    path = Path(source).expanduser()
    if not path.is_file():
        raise MujazError(f"{source}: neither an http(s) URL nor a readable file")
    return path.resolve().as_uri()


class _Progress:
    """A one-line progress bar on a terminal; never used when output goes to a log or CI."""

    def __init__(self, total: int) -> None:
        self.total, self.done, self.new, self.failed = total, 0, 0, 0
        self.started = time.monotonic()

    @staticmethod
    def wanted(as_json: bool) -> bool:
        return not as_json and sys.stderr.isatty() and os.environ.get("TERM") != "dumb"

    def step(self, report: FeedReport) -> None:
        self.done += 1
        self.new += report.new
        self.failed += report.failed
        width = 30
        filled = width * self.done // max(self.total, 1)
        end = "\n" if self.done == self.total else ""
        elapsed = time.monotonic() - self.started
        print(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} feeds"
            f"  {self.new} new  {self.failed} failed  {elapsed:.0f}s\x1b[K",
            end=end,
            file=sys.stderr,
            flush=True,
        )


def cmd_classify(args: argparse.Namespace) -> int:
    from bot.core.explain import explain
    from bot.core.topics import Catalog, Classifier, FeedEvidence

    classifier = Classifier(Catalog.load(TEMPLATES_DIR / "topics.toml"))
    bad = 0
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if not isinstance(item, dict):
                raise ValueError("expected a JSON object")
            title, text = str(item.get("title") or ""), str(item.get("text") or "")
            evidence = FeedEvidence(
                frozenset(_strings(item, "feed_topics")), tuple(_strings(item, "categories"))
            )
        except ValueError as exc:
            bad += 1
            print(f"mujaz classify: line {number}: {exc}", file=sys.stderr)
            continue
        if args.explain:
            label = str(item.get("id", f"line {number}"))
            print(explain(classifier, title, text, evidence).format(label) + "\n", flush=True)
            continue
        result = classifier.classify(title, text, evidence)
        out = {"id": item.get("id"), "topics": result.topics, "scores": result.scores}
        print(json.dumps(out, ensure_ascii=False), flush=True)
    return 1 if bad else 0


def _strings(item: dict[str, object], key: str) -> list[str]:
    """An optional list of strings in a classify input line."""
    value = item.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"`{key}` must be a list of strings")
    return value


def cmd_preview(args: argparse.Namespace) -> int:
    return asyncio.run(_preview(load_settings(), args.topics, args.since, args.lang))


async def _preview(settings: Settings, topics_arg: str, since: timedelta, language: str) -> int:
    from bot.context import Services
    from bot.models import Chat

    services = await Services.create(settings)
    try:
        topics = []
        for name in filter(None, (t.strip() for t in topics_arg.split(","))):
            topic = services.catalog.find(name)
            if topic is None:
                known = ", ".join(services.catalog.ids())
                raise MujazError(f"unknown topic {name!r}; topics are: {known}")
            topics.append(topic.id)
        reader = Chat(0, language, settings.default_timezone, max_items=50)
        composed = await services.digests.preview(reader, topics, since=since)
    finally:
        await services.close()
    if not composed.messages:
        print(f"mujaz: no articles on {', '.join(topics)} in that window", file=sys.stderr)
        return 0
    print("\n\n".join(composed.messages))
    return 0


def cmd_stories(args: argparse.Namespace) -> int:
    from bot.cli_stories import run

    return asyncio.run(run(load_settings(), args.since, args.explain))


def cmd_topics(args: argparse.Namespace) -> int:
    from bot.core.topics import Catalog

    for topic in Catalog.load(TEMPLATES_DIR / "topics.toml").topics:
        names = f"{topic.name('en'):<16} {topic.name('ar'):<20}"
        print(f"{topic.id:<15} {names} {len(topic.keywords)} keywords")
    return 0


if __name__ == "__main__":
    sys.exit(main())
