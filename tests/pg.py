"""A throwaway PostgreSQL server for the test session (issue 14, docs/postgres-plan.md).

`postgres_server` runs `initdb` into a fresh directory and starts the server on 127.0.0.1 at a
free port, its socket in that directory, for this test process only (each xdist worker gets
its own). It yields the server's DSN and stops and deletes it at the end of the session.

The binaries come from `MUJAZ_PG_BIN`, else the newest `/usr/lib/postgresql/<n>/bin` (Debian's
package), else `pg_config --bindir`. Without them the tests that need a server skip with one
line saying why; `MUJAZ_REQUIRE_POSTGRES=1` (for CI) makes that a failure instead.

PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user (or
`nobody`), in a directory under /tmp that user owns.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

DEBIAN_ROOT = Path("/usr/lib/postgresql")
START_TIMEOUT_S = 60  # pg_ctl's own wait bound: a loaded 2-core machine, not a measurement
# Speed settings for a server whose data nobody keeps: never on a real one.
_THROWAWAY = (
    "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    " -c max_connections=50 -c shared_buffers=16MB"
)


@dataclass(frozen=True)
class PostgresServer:
    dsn: str  # postgresql://postgres@127.0.0.1:<port>/postgres
    port: int
    version: int  # the major version of the binaries, e.g. 15


def find_bin_dir(environ: Mapping[str, str] | None = None) -> Path | None:
    """The directory with `initdb`, `pg_ctl` and `postgres`; None when this machine has none."""
    env: Mapping[str, str] = os.environ if environ is None else environ
    chosen = env.get("MUJAZ_PG_BIN")
    if chosen is not None:
        return Path(chosen) if _has_server(Path(chosen)) else None
    versions = []
    if DEBIAN_ROOT.is_dir():
        for child in DEBIAN_ROOT.iterdir():
            if child.name.isdigit() and _has_server(child / "bin"):
                versions.append((int(child.name), child / "bin"))
    if versions:
        return max(versions)[1]
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            found = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, check=True, timeout=10
            )
            bin_dir = Path(found.stdout.strip())
            if _has_server(bin_dir):
                return bin_dir
    return None


def _has_server(bin_dir: Path) -> bool:
    return all(os.access(bin_dir / name, os.X_OK) for name in ("initdb", "pg_ctl", "postgres"))


def _server_user() -> str | None:
    """Who runs the server: None for ourselves, unless we are root, which PostgreSQL refuses."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    raise RuntimeError("running as root and neither a 'postgres' nor a 'nobody' user exists")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _major_version(bin_dir: Path) -> int:
    out = subprocess.run(
        [str(bin_dir / "postgres"), "--version"], capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", out)
    if match is None:
        raise RuntimeError(f"cannot read the PostgreSQL version from {out!r}")
    return int(match.group(1))


@contextlib.contextmanager
def running_server(bin_dir: Path) -> Iterator[PostgresServer]:
    """Start a fresh server from `bin_dir`; stop it and delete its files on exit."""
    user = _server_user()
    base = Path(tempfile.mkdtemp(prefix="mujaz-pg-"))  # under /tmp: the server user can reach it
    data, log = base / "data", base / "server.log"
    if user is not None:
        entry = pwd.getpwnam(user)
        os.chown(base, entry.pw_uid, entry.pw_gid)

    def run(*args: str) -> None:
        done = subprocess.run(
            [str(bin_dir / args[0]), *args[1:]],
            user=user,
            cwd=base,
            capture_output=True,
            text=True,
            timeout=START_TIMEOUT_S + 30,
        )
        if done.returncode != 0:
            server_log = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{args[0]} failed: {done.stderr.strip()}\n{server_log}")

    try:
        run("initdb", "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
            "--locale=C", "--no-sync")  # fmt: skip
        port = _free_port()
        options = f"-h 127.0.0.1 -p {port} -k {base} {_THROWAWAY}"
        run("pg_ctl", "-D", str(data), "-l", str(log), "-o", options, "-w",
            "-t", str(START_TIMEOUT_S), "start")  # fmt: skip
        try:
            yield PostgresServer(
                dsn=f"postgresql://postgres@127.0.0.1:{port}/postgres",
                port=port,
                version=_major_version(bin_dir),
            )
        finally:
            run("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    bin_dir = find_bin_dir()
    if bin_dir is None:
        reason = "PostgreSQL server binaries not found (install postgresql-15, or set MUJAZ_PG_BIN)"
        if os.environ.get("MUJAZ_REQUIRE_POSTGRES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    with running_server(bin_dir) as server:
        yield server


@pytest.fixture
def postgres_dsn(postgres_server: PostgresServer) -> str:
    return postgres_server.dsn


@contextlib.contextmanager
def scratch_database(server: PostgresServer) -> Iterator[str]:
    """The DSN of a new, empty database on `server`, dropped (connections and all) on exit."""
    import psycopg  # here: a machine without the driver still collects the suite

    name = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server.dsn, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    try:
        yield server.dsn.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(server.dsn, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE {name} WITH (FORCE)")


@contextlib.contextmanager
def fresh_database(url: str | None) -> Iterator[str]:
    """For a benchmark: a new, empty database on the server `url` names, else on a
    throwaway server started as the tests start theirs; dropped (and the server stopped)
    at the end."""
    if url is not None:
        with scratch_database(PostgresServer(dsn=url, port=0, version=0)) as dsn:
            yield dsn
        return
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise SystemExit("no PostgreSQL server binaries (install postgresql-15, or MUJAZ_PG_BIN)")
    with running_server(bin_dir) as server, scratch_database(server) as dsn:
        yield dsn


@pytest.fixture
def empty_postgres(postgres_server: PostgresServer) -> Iterator[str]:
    """The DSN of a new, empty database on the test server, dropped after the test."""
    with scratch_database(postgres_server) as dsn:
        yield dsn
