"""The throwaway PostgreSQL server the PostgreSQL tests run against (tests/pg.py, issue 14)."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from tests.pg import PostgresServer, find_bin_dir


async def test_the_test_server_answers_select_1_through_psycopg(
    postgres_server: PostgresServer,
) -> None:
    async with await psycopg.AsyncConnection.connect(postgres_server.dsn) as conn:
        cursor = await conn.execute("SELECT 1")
        assert await cursor.fetchone() == (1,)
        cursor = await conn.execute("SHOW server_version_num")
        row = await cursor.fetchone()
    assert row is not None
    assert int(row[0]) // 10000 == postgres_server.version >= 15


async def test_the_test_server_listens_on_loopback_only(postgres_server: PostgresServer) -> None:
    async with await psycopg.AsyncConnection.connect(postgres_server.dsn) as conn:
        cursor = await conn.execute("SHOW listen_addresses")
        assert await cursor.fetchone() == ("127.0.0.1",)


def test_a_machine_without_server_binaries_is_told_so(tmp_path: Path) -> None:
    (tmp_path / "initdb").write_text("")  # present but not executable, and no pg_ctl
    assert find_bin_dir({"MUJAZ_PG_BIN": str(tmp_path)}) is None


def test_a_named_bin_dir_with_the_binaries_is_used(tmp_path: Path) -> None:
    for name in ("initdb", "pg_ctl", "postgres"):
        (tmp_path / name).write_text("#!/bin/sh\n")
        (tmp_path / name).chmod(0o755)
    assert find_bin_dir({"MUJAZ_PG_BIN": str(tmp_path)}) == tmp_path


def test_debians_postgresql_is_found_where_the_package_puts_it() -> None:
    if not Path("/usr/lib/postgresql").is_dir():
        pytest.skip("no Debian PostgreSQL package on this machine")
    found = find_bin_dir({})
    assert found is not None
    assert found.parent.parent == Path("/usr/lib/postgresql")
