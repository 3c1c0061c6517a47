"""`mujaz backup [DEST] [--keep N]` and `mujaz restore FILE`: the database's copies by hand.

Neither needs BOT_TOKEN, and neither migrates the database it reads.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.config import Settings, load_settings
from bot.errors import ConfigError


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    backup = sub.add_parser(
        "backup", help="an online copy of the database, checked, while the bot may run"
    )
    backup.add_argument(
        "dest",
        nargs="?",
        type=Path,
        help="a folder (a dated name inside) or a new file name; default: BACKUP_DIR,"
        " else backups/ beside the database",
    )
    backup.add_argument(
        "--keep", type=_positive, metavar="N", help="then delete all but the newest N in the folder"
    )
    backup.set_defaults(handler=cmd_backup)

    restore = sub.add_parser(
        "restore", help="put a backup in the database's place (the bot must be stopped)"
    )
    restore.add_argument("file", type=Path, help="a backup made by `mujaz backup`")
    restore.set_defaults(handler=cmd_restore)


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 1 or more")
    return int(text)


def _sqlite_only(settings: Settings, command: str) -> None:
    """Backups are copies of the SQLite file: on PostgreSQL, its own tools do this."""
    if settings.database_url:
        raise ConfigError(
            f"mujaz {command} copies the SQLite file at DATABASE_PATH; with DATABASE_URL use"
            " pg_dump and pg_restore"
        )


def cmd_backup(args: argparse.Namespace) -> int:
    from storage.backup import make_backup, prune

    settings = load_settings()
    _sqlite_only(settings, "backup")
    dest: Path = args.dest or settings.backup_dir or settings.database_path.parent / "backups"
    copy = make_backup(settings.database_path, dest)
    print(copy.describe())
    if args.keep is not None:
        for removed in prune(copy.path.parent, args.keep):
            print(f"removed {removed}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from bot.lease import this_process
    from storage.backup import restore
    from storage.db import utc_now

    settings = load_settings()
    _sqlite_only(settings, "restore")
    restored = restore(args.file, settings.database_path, this_process(utc_now()))
    print(f"restored {args.file} as {restored.copy.describe()}")
    if restored.kept is not None:
        print(f"the database it replaced is kept as {restored.kept}")
    if restored.migrates_at_start:
        print(
            f"it is older than this Mujaz (schema {restored.newest_known}):"
            " the next start migrates it, after a pre-migration copy"
        )
    return 0
