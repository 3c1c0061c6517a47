"""`mujaz db copy SRC DST`: move a SQLite database to PostgreSQL (issue 14, storage/copy.py).

It needs no BOT_TOKEN and reads no settings: both databases are named on the command line.
The destination's URL may hold a password, so only its host and database name are printed.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from storage.copy import TableCount


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    db = sub.add_parser("db", help="database moves: copy SQLite into PostgreSQL")
    db_sub = db.add_subparsers(required=True, metavar="ACTION")
    copy = db_sub.add_parser(
        "copy",
        help="copy every table, ids kept, then verify the row counts (stop the bot first)",
        description="Copy a Mujaz SQLite database into PostgreSQL, ids kept, in one"
        " transaction; the row counts of every table are compared before it commits.",
    )
    copy.add_argument("source", metavar="SRC", help="sqlite:///path/to/mujaz.db")
    copy.add_argument("destination", metavar="DST", help="postgresql://user@host/dbname")
    copy.add_argument(
        "--replace",
        action="store_true",
        help="empty a destination that already holds rows (else it is refused)",
    )
    copy.set_defaults(handler=cmd_db_copy)


def cmd_db_copy(args: argparse.Namespace) -> int:
    from storage.copy import copy_sqlite_to_postgres, is_postgres_url, sqlite_path

    source = sqlite_path(args.source)
    if source is None:
        print("mujaz db copy: SRC must be sqlite:///path/to/mujaz.db", file=sys.stderr)
        return 2
    if not is_postgres_url(args.destination):
        print("mujaz db copy: DST must be postgresql://user@host/dbname", file=sys.stderr)
        return 2
    where = _safe_name(args.destination)
    print(f"copying {source} into {where}")
    print(f"{'table':<24} {'source':>10} {'copied':>10}")

    def line(count: TableCount) -> None:
        mark = "" if count.ok else "  MISMATCH"
        print(f"{count.table:<24} {count.source:>10} {count.copied:>10}{mark}", flush=True)

    counts = asyncio.run(
        copy_sqlite_to_postgres(source, args.destination, replace=args.replace, on_table=line)
    )
    rows = sum(c.copied for c in counts)
    print(f"verified: {len(counts)} tables, {rows} rows, every count equal; committed")
    return 0


def _safe_name(dsn: str) -> str:
    """host:port/dbname, never the password."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        parts = conninfo_to_dict(dsn)
    except Exception:
        return "PostgreSQL"
    host = parts.get("host") or "localhost"
    port = f":{parts['port']}" if parts.get("port") else ""
    return f"PostgreSQL at {host}{port}/{parts.get('dbname') or ''}"
