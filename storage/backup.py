"""Online copies of the database, and putting one back in its place.

A copy is made by SQLite itself (`VACUUM INTO`) inside one read transaction, so it is a
single consistent moment of a database the bot keeps writing; a file copy of a WAL
database is not (the newest commits live in the -wal file, and the two are copied at
different moments). The copy is written under a temporary name, checked with
`PRAGMA integrity_check`, and only then given its name, so a backup folder never holds
a half-written file under a backup's name.

A restore swaps the file in with one rename, after the replaced database was checkpointed
(its -wal emptied into it) and linked under a `.replaced-<time>` name beside it. The sender
lease decides whether a bot still uses the database: `mujaz restore` holds it while it
swaps, so no bot starts in the middle.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.errors import LeaseHeld, MujazError
from bot.lease import STALE, Holder, may_take
from storage.db import from_db_time, migrations, to_db_time

BACKUP_NAME = re.compile(r"^mujaz-(\d{8}T\d{6}Z)(?:-(\d+))?\.db$")


class BackupError(MujazError):
    """A copy could not be made or checked, or a file is no usable backup."""


@dataclass(frozen=True)
class Copy:
    path: Path
    size: int
    schema_version: int

    def describe(self) -> str:
        return f"{self.path}  {self.size} bytes  schema version {self.schema_version}"


@dataclass(frozen=True)
class Restored:
    copy: Copy
    kept: Path | None  # the database it replaced, under its new name
    newest_known: int

    @property
    def migrates_at_start(self) -> bool:
        return self.copy.schema_version < self.newest_known


def backup_name(moment: datetime) -> str:
    return f"mujaz-{moment.astimezone(UTC):%Y%m%dT%H%M%SZ}.db"


def make_backup(database: Path, dest: Path, *, now: datetime | None = None) -> Copy:
    """Copy the live database to `dest`: a folder (a dated name inside it, the folder made
    0700) or a file name that does not exist yet."""
    if not database.is_file():
        raise BackupError(f"no database at {database}")
    now = now or datetime.now(UTC)
    if dest.is_dir() or not dest.suffix:
        dest.mkdir(mode=0o700, parents=True, exist_ok=True)
        target = _free_name(dest, backup_name(now))
    else:
        if dest.exists():
            raise BackupError(f"{dest} already exists; give a new name or a folder")
        dest.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        target = dest
    partial = target.with_name(f".{target.name}.partial")
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()  # left by a backup killed halfway
    try:
        _private_empty_file(partial)
        with contextlib.closing(_connect(database)) as source:
            source.execute("VACUUM INTO ?", (str(partial),))
        copy = check_copy(partial)
        os.replace(partial, target)
        _sync_folder(target.parent)
    except (OSError, sqlite3.Error) as exc:
        raise BackupError(f"backup of {database} to {target} failed: {exc}") from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    return Copy(target, target.stat().st_size, copy.schema_version)


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete the oldest dated backups in `folder` beyond the newest `keep`; other files
    there are never touched. Returns what was deleted."""
    dated = sorted(
        (p for p in folder.iterdir() if BACKUP_NAME.match(p.name) and p.is_file()),
        key=_age_order,
    )
    old = dated[: max(0, len(dated) - keep)]
    for path in old:
        path.unlink()
    return old


def _age_order(path: Path) -> tuple[str, int]:
    """Oldest first: by the second in the name, then by the number a second's later
    copies carry (mujaz-…Z.db, then mujaz-…Z-1.db, mujaz-…Z-2.db)."""
    match = BACKUP_NAME.match(path.name)
    assert match is not None
    return match.group(1), int(match.group(2) or 0)


def newest_backup(folder: Path) -> datetime | None:
    """When the newest dated backup in `folder` was made (from its name)."""
    if not folder.is_dir():
        return None
    stamps = [m.group(1) for p in folder.iterdir() if (m := BACKUP_NAME.match(p.name))]
    if not stamps:
        return None
    return datetime.strptime(max(stamps), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def check_copy(path: Path) -> Copy:
    """A backup's integrity and schema version; BackupError when it is no Mujaz database."""
    try:
        with contextlib.closing(_connect(path, readonly=True)) as conn:
            problems = [row[0] for row in conn.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise BackupError(f"{path} is damaged: {'; '.join(problems[:3])}")
            version = _schema_version(conn)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is no SQLite database: {exc}") from None
    if version == 0:
        raise BackupError(f"{path} is no Mujaz database (it has no schema_migrations)")
    return Copy(path, path.stat().st_size, version)


def restore(backup: Path, database: Path, me: Holder) -> Restored:
    """Put `backup` in the place of `database`, keeping the replaced file beside it.

    Refused (LeaseHeld) while a bot holds the database's sender lease, and (BackupError)
    for a backup of a newer schema than this Mujaz knows; an older one is migrated at
    the next start, after its own pre-migration copy.
    """
    if not backup.is_file():
        raise BackupError(f"no file at {backup}")
    copy = check_copy(backup)
    newest = migrations()[-1][0]
    if copy.schema_version > newest:
        raise BackupError(
            f"{backup} has schema version {copy.schema_version}, newer than this Mujaz knows"
            f" ({newest}); restore it with the newer release"
        )
    database.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    incoming = database.with_name(f".{database.name}.restoring")
    with contextlib.suppress(FileNotFoundError):
        incoming.unlink()
    try:
        _private_empty_file(incoming)
        with (
            contextlib.closing(_connect(backup, readonly=True)) as source,
            contextlib.closing(_connect(incoming)) as target,
        ):
            source.backup(target)
        kept = None
        if database.exists():
            _hold_for_restore(database, me)
            kept = database.with_name(f"{database.name}.replaced-{me.heartbeat_at:%Y%m%dT%H%M%SZ}")
            _link_or_copy(database, kept)
            for suffix in ("-wal", "-shm"):  # they belong to the replaced file: they go with it
                with contextlib.suppress(FileNotFoundError):
                    os.replace(f"{database}{suffix}", f"{kept}{suffix}")
        os.replace(incoming, database)
        _sync_folder(database.parent)
    except (OSError, sqlite3.Error) as exc:
        raise BackupError(f"restoring {backup} failed: {exc}") from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            incoming.unlink()
    return Restored(Copy(database, database.stat().st_size, copy.schema_version), kept, newest)


def _hold_for_restore(database: Path, me: Holder) -> None:
    """Take the sender lease of the database about to be replaced (LeaseHeld while a bot
    holds it), so no bot starts on it during the swap, and empty its -wal into it.

    A file too damaged to read has no lease to honour: it is replaced as it is."""
    try:
        conn = _connect(database)
    except sqlite3.Error:
        return
    try:
        conn.execute("BEGIN IMMEDIATE")
        row = conn.execute(
            "SELECT instance, host, pid, heartbeat_at FROM sender_lease WHERE name = 'sender'"
        ).fetchone()
        holder = Holder(row[0], row[1], row[2], from_db_time(row[3])) if row else None
        if not may_take(holder, me, me.heartbeat_at, stale=STALE):
            assert holder is not None
            raise LeaseHeld(
                f"a bot still sends from {database}: {holder.describe(me.heartbeat_at)}."
                " Stop it first (if its host is gone for good, `mujaz takeover`)"
            )
        conn.execute(
            "INSERT OR REPLACE INTO sender_lease (name, instance, host, pid, heartbeat_at)"
            " VALUES ('sender', ?, ?, ?, ?)",
            (me.instance, me.host, me.pid, to_db_time(me.heartbeat_at)),
        )
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.DatabaseError:
        pass  # damaged, or from before the lease: nothing to hold
    finally:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        conn.close()


def _connect(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
    if readonly:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
    else:
        conn = sqlite3.connect(path, timeout=10, isolation_level=None)
    conn.execute("PRAGMA busy_timeout=10000")
    return conn


def _schema_version(conn: sqlite3.Connection) -> int:
    found = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_migrations'"
    ).fetchone()
    if not found:
        return 0
    row = conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").fetchone()
    return int(row[0])


def _free_name(folder: Path, name: str) -> Path:
    """`name`, or for another copy within the same second the next number after every
    copy of that second still there (so the newest always sorts last, see _age_order)."""
    stamp = name.removesuffix(".db")
    taken = [
        int(m.group(2) or 0)
        for p in folder.iterdir()
        if (m := BACKUP_NAME.match(p.name)) and p.name.startswith(stamp)
    ]
    if not taken:
        return folder / name
    return folder / f"{stamp}-{max(taken) + 1}.db"


def _private_empty_file(path: Path) -> None:
    """Backups hold readers' chat ids: readable by their owner only."""
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _sync_folder(folder: Path) -> None:
    """The rename survives a power cut."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
