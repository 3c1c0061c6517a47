"""`mujaz backup`, `mujaz restore`, the scheduled backup job and the pre-migration copy."""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.backups import backup_now
from bot.lease import Holder, this_process
from storage.backup import BackupError, check_copy, make_backup, prune, restore
from storage.db import Database, migrations, pre_migration_path, to_db_time
from tests.paths import ROOT

NEWEST = migrations()[-1][0]


def mujaz(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),
        "DATABASE_PATH": str(tmp_path / "data" / "mujaz.db"),
        "FEEDS_FILE": "/dev/null",
    }
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


async def database_with_feeds(path: Path, feeds: int = 3, *, migrate_to: int | None = None) -> None:
    """`feeds` more feeds in the database at `path` (made if missing)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = await Database.open(path, migrate_to=migrate_to)
    had = feed_count(path)
    for n in range(had, had + feeds):
        await db.execute(
            "INSERT INTO feeds (url, created_at) VALUES (?, 'x')", (f"https://e.com/{n}",)
        )
    await db.close()


def feed_count(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM feeds").fetchone()[0])


async def test_mujaz_backup_prints_the_copy_and_keeps_the_newest(tmp_path: Path) -> None:
    await database_with_feeds(tmp_path / "data" / "mujaz.db")
    folder = tmp_path / "copies"
    said = []
    for _ in range(3):
        done = mujaz(tmp_path, "backup", str(folder), "--keep", "2")
        assert done.returncode == 0, done.stderr
        said.append(done.stdout.splitlines()[0])
    left = set(folder.iterdir())
    path, size, version = said[-1].split("  ")
    assert len(left) == 2 and Path(path) in left  # the newest is kept (names may share a second)
    assert size == f"{Path(path).stat().st_size} bytes"
    assert version == f"schema version {NEWEST}"
    assert feed_count(Path(path)) == 3
    assert Path(path).stat().st_mode & 0o777 == 0o600  # it holds readers' chat ids


async def test_copies_made_within_one_second_are_kept_newest_last(tmp_path: Path) -> None:
    database = tmp_path / "mujaz.db"
    await database_with_feeds(database)
    folder, second = tmp_path / "copies", datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
    made = []
    for _ in range(5):  # the same second each time, pruned to two after each copy
        made.append(make_backup(database, folder, now=second).path)
        prune(folder, 2)
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in made[-2:])


async def test_a_backup_is_consistent_while_the_database_is_written(tmp_path: Path) -> None:
    path = tmp_path / "mujaz.db"
    db = await Database.open(path)
    stop = asyncio.Event()

    async def keep_writing() -> int:
        n = 0
        while not stop.is_set():
            async with db.transaction() as conn:  # two rows a transaction: never one alone
                for _ in range(2):
                    n += 1
                    await conn.execute(
                        "INSERT INTO feeds (url, created_at) VALUES (?, 'x')", (f"https://e/{n}",)
                    )
            await asyncio.sleep(0)
        return n

    writer = asyncio.create_task(keep_writing())
    try:
        copies = [
            await asyncio.to_thread(make_backup, path, tmp_path / "b" / f"{i}.db") for i in range(5)
        ]
    finally:
        stop.set()
        await writer
        await db.close()
    counts = [feed_count(c.path) for c in copies]
    assert all(n % 2 == 0 for n in counts), counts  # each copy is one moment between commits
    assert counts[-1] > 0


def test_a_damaged_file_is_no_backup(tmp_path: Path) -> None:
    sqlite3.connect(tmp_path / "good.db").execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(BackupError, match="no Mujaz database"):
        check_copy(tmp_path / "good.db")
    (tmp_path / "junk.db").write_bytes(b"SQLite format 3\x00" + b"\x13" * 5000)
    with pytest.raises(BackupError):
        check_copy(tmp_path / "junk.db")


async def test_restore_swaps_the_file_in_and_keeps_the_one_it_replaced(tmp_path: Path) -> None:
    live = tmp_path / "data" / "mujaz.db"
    await database_with_feeds(live, 5)
    copy = make_backup(live, tmp_path / "copy.db")
    await database_with_feeds(live, 2)  # written after the backup: 7 feeds
    done = mujaz(tmp_path, "restore", str(copy.path))
    assert done.returncode == 0, done.stderr
    assert feed_count(live) == 5
    (kept,) = live.parent.glob("mujaz.db.replaced-*[0-9]Z")  # (its -wal and -shm beside it)
    assert feed_count(kept) == 7
    assert "kept as" in done.stdout


async def test_restore_refuses_while_a_bot_holds_the_lease_and_takes_a_dead_ones(
    tmp_path: Path,
) -> None:
    live = tmp_path / "data" / "mujaz.db"
    await database_with_feeds(live, 1)
    copy = make_backup(live, tmp_path / "copy.db")
    now = datetime.now(UTC)

    def hold(holder: Holder) -> None:
        with sqlite3.connect(live) as conn:
            conn.execute(
                "INSERT OR REPLACE INTO sender_lease VALUES ('sender', ?, ?, ?, ?)",
                (holder.instance, holder.host, holder.pid, to_db_time(holder.heartbeat_at)),
            )

    hold(Holder("abcdef", "other-host", 4242, now))  # a live bot elsewhere
    with pytest.raises(Exception, match="still sends") as refused:
        restore(copy.path, live, this_process(now))
    assert type(refused.value).__name__ == "LeaseHeld"
    done = mujaz(tmp_path, "restore", str(copy.path))
    assert done.returncode == 3 and "other-host" in done.stderr
    assert not list(live.parent.glob("*.replaced-*"))  # nothing was touched

    hold(Holder("abcdef", "other-host", 4242, now - timedelta(minutes=5)))  # stale: gone
    assert restore(copy.path, live, this_process(now)).kept is not None


async def test_a_backup_of_a_newer_schema_is_refused_an_older_one_migrates_at_start(
    tmp_path: Path,
) -> None:
    live = tmp_path / "data" / "mujaz.db"
    await database_with_feeds(live, 1)
    newer = make_backup(live, tmp_path / "newer.db")
    with sqlite3.connect(newer.path) as conn:
        conn.execute("INSERT INTO schema_migrations VALUES (9999, 'future', 'x')")
    done = mujaz(tmp_path, "restore", str(newer.path))
    assert done.returncode == 1 and "newer than this Mujaz knows" in done.stderr

    older_path = tmp_path / "older" / "mujaz.db"
    await database_with_feeds(older_path, 4, migrate_to=3)
    done = mujaz(tmp_path, "restore", str(older_path))
    assert done.returncode == 0, done.stderr
    assert "the next start migrates it" in done.stdout
    db = await Database.open(live)  # the next start
    try:
        assert await db.schema_version() == NEWEST
    finally:
        await db.close()
    assert feed_count(pre_migration_path(live, 3)) == 4


async def test_a_migration_keeps_a_copy_of_the_database_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "mujaz.db"
    await database_with_feeds(path, 2, migrate_to=5)
    assert not list(tmp_path.glob("*.pre-migration-*"))  # a new database has nothing to keep
    db = await Database.open(path)
    await db.close()
    kept = pre_migration_path(path, 5)
    assert kept.name == "mujaz.db.pre-migration-0005"
    assert check_copy(kept).schema_version == 5 and feed_count(kept) == 2
    assert kept.stat().st_mode & 0o777 == 0o600
    db = await Database.open(path)  # up to date: nothing more is written
    await db.close()
    assert [p.name for p in tmp_path.glob("*.pre-migration-*")] == [kept.name]


async def test_the_scheduled_backup_keeps_the_newest_and_survives_failing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    live = tmp_path / "mujaz.db"
    await database_with_feeds(live, 1)
    folder = tmp_path / "backups"
    made = [await backup_now(live, folder, keep=2) for _ in range(3)]
    assert all(made)
    assert len(list(folder.iterdir())) == 2
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    with caplog.at_level(logging.ERROR):
        assert await backup_now(live, blocked, keep=2) is None  # logged, not raised
    assert any(r.getMessage().startswith("backup failed") for r in caplog.records)


def test_the_backup_job_is_scheduled_only_with_backup_dir(tmp_path: Path) -> None:
    from bot.app import build_application
    from bot.config import load_settings

    def jobs(**settings: object) -> dict[str, float]:
        config = load_settings(
            bot_token="1:x", database_path=tmp_path / "mujaz.db", feeds_file="/dev/null", **settings
        )
        app = build_application(config)
        assert app.job_queue is not None
        return {
            str(job.name): job.job.trigger.interval.total_seconds() for job in app.job_queue.jobs()
        }

    assert "backup" not in jobs()
    assert jobs(backup_dir=tmp_path / "b", backup_every_hours=6)["backup"] == 6 * 3600


@pytest.mark.parametrize(("hours_ago", "first_in_hours"), [(1, 5), (None, 0), (30, 0)])
def test_the_first_scheduled_backup_comes_when_the_newest_is_due(
    tmp_path: Path, hours_ago: int | None, first_in_hours: int
) -> None:
    """A restart neither skips a due backup nor makes one more than BACKUP_EVERY_HOURS asks
    (0 here stands for "a minute after the start")."""
    from bot.app import build_application
    from bot.config import load_settings
    from storage.backup import backup_name

    folder = tmp_path / "b"
    folder.mkdir()
    now = datetime.now(UTC)
    if hours_ago is not None:
        (folder / backup_name(now - timedelta(hours=hours_ago))).write_bytes(b"")
    config = load_settings(
        bot_token="1:x",
        database_path=tmp_path / "mujaz.db",
        feeds_file="/dev/null",
        backup_dir=folder,
        backup_every_hours=6,
    )
    app = build_application(config)
    assert app.job_queue is not None
    (job,) = [j for j in app.job_queue.jobs() if j.name == "backup"]
    wait = job.job.trigger.start_date - now
    expected = timedelta(hours=first_in_hours) or timedelta(seconds=60)
    assert abs(wait - expected) < timedelta(seconds=30)
