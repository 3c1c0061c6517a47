"""`mujaz health` and `mujaz webhook info|delete`: what an operator (or a container's
HEALTHCHECK) asks of a running bot.

`mujaz health` exits 0 while the bot is healthy, 1 otherwise, with one line saying why.
`mujaz health --role ingest` judges an ingest process by its database instead
(bot/ops/ingest_health.py): it serves no OPS_LISTEN and holds no lease.
With OPS_LISTEN it asks the bot's /healthz; without, it judges by the sender lease in
the database (the SQLite file, or PostgreSQL's advisory lock and its row): renewed within
its stale limit, by a process that is alive (when that process is on this host, where its
pid can be checked).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from bot.config import Settings, load_settings
from bot.errors import ConfigError
from bot.roles import Role, parse_role

if TYPE_CHECKING:
    from telegram import Bot

    from bot.lease import Holder
    from storage.ops import IngestState

T = TypeVar("T")
EXIT_UNHEALTHY = 1
HEALTH_TIMEOUT = 5.0


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    health = sub.add_parser("health", help="exit 0 while the bot is healthy, 1 otherwise")
    health.add_argument(
        "--role",
        type=parse_role,
        default=Role.ALL,
        metavar="all|bot|ingest",
        help="the role of the process checked (as in `mujaz run --role`); ingest: the database"
        " answers and no feed waits long past its check (no OPS_LISTEN, no lease to judge)",
    )
    health.set_defaults(handler=cmd_health)

    webhook = sub.add_parser("webhook", help="the webhook Telegram has for this bot")
    actions = webhook.add_subparsers(required=True, metavar="ACTION")
    info = actions.add_parser("info", help="getWebhookInfo: URL, pending updates, last error")
    info.add_argument("--json", action="store_true", help="print JSON")
    info.set_defaults(handler=cmd_webhook_info)
    delete = actions.add_parser("delete", help="deleteWebhook: the bot may poll again")
    delete.set_defaults(handler=cmd_webhook_delete)


def cmd_health(args: argparse.Namespace) -> int:
    settings = load_settings()
    if args.role is Role.INGEST:
        healthy, why = _judge_ingest(settings)
    elif settings.ops_listen:
        healthy, why = _ask_server(settings)
    else:
        healthy, why = _judge_lease(settings)
    print(f"mujaz: {'healthy' if healthy else 'unhealthy'}: {why}")
    return 0 if healthy else EXIT_UNHEALTHY


def _ask_server(settings: Settings) -> tuple[bool, str]:
    assert settings.ops_listen
    host, _, port = settings.ops_listen.rpartition(":")
    if host.strip("[]") in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"  # listening everywhere: ask on loopback
    url = f"http://{host}:{port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=HEALTH_TIMEOUT) as response:
            body = json.loads(response.read())
            ages = body.get("seconds_since", {})
            return True, f"{url} answered 200 (up {ages.get('uptime', '?')} s)"
    except urllib.error.HTTPError as exc:
        try:
            reasons = json.loads(exc.read()).get("reasons") or [f"HTTP {exc.code}"]
        except ValueError:
            reasons = [f"HTTP {exc.code}"]
        return False, "; ".join(str(r) for r in reasons)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return False, f"no answer from {url}: {reason}"


def _judge_ingest(settings: Settings) -> tuple[bool, str]:
    """An ingest process: its database answers and feeds are checked on time."""
    from bot.ops.ingest_health import judge_ingest
    from storage.db import utc_now

    if not settings.database_url and not settings.database_path.is_file():
        return False, f"cannot read {settings.database_path}: no database there"
    import psycopg

    from bot.errors import MujazError

    try:
        state = asyncio.run(_ingest_state(settings))
    except (MujazError, psycopg.Error, sqlite3.Error, OSError) as exc:
        first = (str(exc).strip().splitlines() or [""])[0]
        return False, f"the database does not answer: {type(exc).__name__} {first}".strip()
    return judge_ingest(state, utc_now(), settings.ingest_interval_minutes)


async def _ingest_state(settings: Settings) -> IngestState:
    from storage.connect import open_database
    from storage.ops import OpsRepository

    db = await open_database(settings.database_path, settings.database_url)
    try:
        return await OpsRepository(db).ingest_state()
    finally:
        await db.close()


def _judge_lease(settings: Settings) -> tuple[bool, str]:
    from bot.lease import STALE, _alive, this_process
    from storage.db import utc_now

    holder, where, unreadable = _read_lease(settings)
    if unreadable:
        return False, unreadable
    now = utc_now()
    if holder is None:
        return False, f"no bot holds the sender lease of {where}"
    who = holder.describe(now)
    if now - holder.heartbeat_at >= STALE:
        return False, f"the sender lease is stale: {who}"
    if holder.host == this_process(now).host and not _alive(holder.pid):
        return False, f"the lease holder is gone: {who}"
    return True, f"the sender lease is fresh: {who}"


def _read_lease(settings: Settings) -> tuple[Holder | None, str, str]:
    """The lease's holder, where it was read (never the URL: it may hold a password) and,
    when it could not be read, why. On PostgreSQL a holder is one whose session holds the
    advisory lock: a killed bot's row alone does not count."""
    if settings.database_url:
        import psycopg

        from storage.lease_pg import PostgresLeaseRepository

        where = "the PostgreSQL database"
        try:
            holder = asyncio.run(PostgresLeaseRepository(settings.database_url).holder())
        except psycopg.Error as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            return None, where, f"cannot read {where}: {type(exc).__name__} {first}".strip()
        return holder, where, ""
    from storage.ops import read_lease

    try:
        return read_lease(settings.database_path), str(settings.database_path), ""
    except sqlite3.Error as exc:
        return None, str(settings.database_path), f"cannot read {settings.database_path}: {exc}"


def cmd_webhook_info(args: argparse.Namespace) -> int:
    from bot.ops.webhook import info

    data = asyncio.run(_with_bot(load_settings(), info))
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        return 0
    if not data.get("url"):
        print("no webhook: the bot polls (getUpdates)")
    for key, value in data.items():
        if isinstance(value, datetime):
            value = value.isoformat()
        print(f"{key}: {value}")
    return 0


def cmd_webhook_delete(args: argparse.Namespace) -> int:
    from bot.ops.webhook import delete

    asyncio.run(_with_bot(load_settings(), delete))
    print("mujaz: webhook deleted; a bot without WEBHOOK_URL polls again")
    return 0


async def _with_bot(settings: Settings, action: Callable[[Bot], Awaitable[T]]) -> T:
    """Run `action(bot)` with a plain Bot on TELEGRAM_API_URL (no outbox: one request)."""
    from telegram import Bot
    from telegram.error import TelegramError

    from bot.errors import MujazError

    if not settings.bot_token:
        raise ConfigError("BOT_TOKEN: required to ask Telegram about the webhook")
    api = settings.telegram_api_url
    async with Bot(settings.bot_token, base_url=f"{api}/bot") as bot:
        try:
            return await action(bot)
        except TelegramError as exc:
            raise MujazError(f"Telegram refused: {exc.message}") from None
