"""The sender lease on PostgreSQL is an advisory lock held by a session (issue 14): of two
would-be senders one holds it; when the holder's session ends (its connection killed or
closed, its process SIGKILLed) the other takes it, and the old holder's next beat says it
lost. Against the throwaway server of tests/pg.py."""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import AsyncIterator
from datetime import timedelta

import psycopg
import pytest

from bot.lease import this_process
from storage.db import utc_now
from storage.lease_pg import PostgresLeaseRepository
from storage.postgres_db import PostgresDatabase
from tests.paths import ROOT

QUICK = timedelta(seconds=0.05)  # the standby's poll, shortened
BOUND = 30  # seconds: a bound on a wait that should end at once, not a measurement


@pytest.fixture
async def lease_dsn(empty_postgres: str) -> str:
    db = await PostgresDatabase.open(empty_postgres)  # migrated: the sender_lease table
    await db.close()
    return empty_postgres


@pytest.fixture
async def leases(lease_dsn: str) -> AsyncIterator[list[PostgresLeaseRepository]]:
    made: list[PostgresLeaseRepository] = []
    yield made
    for lease in made:
        await lease.close()


def new(leases: list[PostgresLeaseRepository], dsn: str) -> PostgresLeaseRepository:
    leases.append(PostgresLeaseRepository(dsn))
    return leases[-1]


async def row(dsn: str) -> tuple[object, ...] | None:
    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
        cursor = await conn.execute("SELECT instance, pid FROM sender_lease")
        return await cursor.fetchone()


async def test_of_two_senders_one_holds_the_lease_and_the_other_is_told_who(
    lease_dsn: str, leases: list[PostgresLeaseRepository]
) -> None:
    first, second = new(leases, lease_dsn), new(leases, lease_dsn)
    me, other = this_process(utc_now()), this_process(utc_now())
    assert await first.acquire(me) is None
    held_by = await second.acquire(other)
    assert held_by is not None and held_by.instance == me.instance
    assert await row(lease_dsn) == (me.instance, me.pid)
    assert await first.beat(me.instance, utc_now())
    assert await second.beat(other.instance, utc_now()) is False
    assert (await second.holder()) == (await first.holder())


async def test_a_killed_holder_session_frees_the_lease_for_the_standby(
    lease_dsn: str, leases: list[PostgresLeaseRepository]
) -> None:
    active, standby = new(leases, lease_dsn), new(leases, lease_dsn)
    me, other = this_process(utc_now()), this_process(utc_now())
    assert await active.acquire(me) is None
    waiting = asyncio.create_task(standby.wait_to_acquire(other, poll=QUICK))
    await asyncio.sleep(0.2)
    assert not waiting.done()  # a standby waits while the holder lives
    pid = await active.backend_pid()
    async with await psycopg.AsyncConnection.connect(lease_dsn, autocommit=True) as admin:
        await admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    await asyncio.wait_for(waiting, BOUND)
    assert await row(lease_dsn) == (other.instance, other.pid)
    assert await active.beat(me.instance, utc_now()) is False  # it knows it lost
    assert await standby.beat(other.instance, utc_now())


async def test_the_server_probes_the_holders_connection_so_a_dead_host_frees_the_lease(
    lease_dsn: str, leases: list[PostgresLeaseRepository]
) -> None:
    holder, me = new(leases, lease_dsn), this_process(utc_now())
    assert await holder.acquire(me) is None
    # the server's side (a TCP connection, as the test server's is): it ends the session
    # of a host that stopped answering, and with it the lock
    assert await holder.session_setting("tcp_keepalives_idle") == "10"
    assert await holder.session_setting("tcp_keepalives_count") == "3"
    assert await holder.session_setting("tcp_user_timeout") == "30000"  # ms


async def test_a_released_lease_is_free_at_once(
    lease_dsn: str, leases: list[PostgresLeaseRepository]
) -> None:
    first, second = new(leases, lease_dsn), new(leases, lease_dsn)
    me, other = this_process(utc_now()), this_process(utc_now())
    assert await first.acquire(me) is None
    await first.release(me.instance)
    assert await first.holder() is None
    assert await second.acquire(other) is None


async def test_takeover_breaks_the_holders_session_and_its_next_beat_fails(
    lease_dsn: str, leases: list[PostgresLeaseRepository]
) -> None:
    old, operator, new_host = (new(leases, lease_dsn) for _ in range(3))
    me, other = this_process(utc_now()), this_process(utc_now())
    assert await old.acquire(me) is None
    broken = await operator.break_lease()
    assert broken is not None and broken.instance == me.instance
    assert await old.beat(me.instance, utc_now()) is False
    assert await new_host.acquire(other) is None


HOLD = """
import asyncio, sys
from bot.lease import this_process
from storage.db import utc_now
from storage.lease_pg import PostgresLeaseRepository

async def main():
    lease = PostgresLeaseRepository(sys.argv[1])
    assert await lease.acquire(this_process(utc_now())) is None
    print("held", flush=True)
    await asyncio.sleep(3600)

asyncio.run(main())
"""


async def test_a_sigkilled_holder_process_hands_the_lease_to_the_standby(
    lease_dsn: str, leases: list[PostgresLeaseRepository]
) -> None:
    holder = await asyncio.create_subprocess_exec(
        sys.executable, "-c", HOLD, lease_dsn, cwd=ROOT, stdout=asyncio.subprocess.PIPE
    )
    try:
        assert holder.stdout is not None
        assert await asyncio.wait_for(holder.stdout.readline(), BOUND) == b"held\n"
        standby, me = new(leases, lease_dsn), this_process(utc_now())
        waiting = asyncio.create_task(standby.wait_to_acquire(me, poll=QUICK))
        await asyncio.sleep(0.2)
        assert not waiting.done()
        held_by = await standby.holder()
        assert held_by is not None and held_by.pid == holder.pid
        holder.send_signal(signal.SIGKILL)
        await asyncio.wait_for(waiting, BOUND)
    finally:
        if holder.returncode is None:
            holder.kill()
        await holder.wait()
    assert await row(lease_dsn) == (me.instance, me.pid)
