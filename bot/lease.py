"""One sender per database: the rule for who may hold the sender lease.

Two `mujaz run` on one database would both send digests and release each other's
ledger rows at start. The running bot holds a lease row and renews it every
HEARTBEAT; another process may take it only when it is free, stale (no heartbeat
for STALE: the host died), or left by a process of this host that is gone (a
restart after a crash or kill -9 need not wait). A database copied to another host
carries the original's lease: it sends once that lease is stale, or after
`mujaz takeover`.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

HEARTBEAT = timedelta(seconds=15)
STALE = timedelta(seconds=60)


@dataclass(frozen=True)
class Holder:
    instance: str
    host: str
    pid: int
    heartbeat_at: datetime

    def describe(self, now: datetime) -> str:
        age = max(0, int((now - self.heartbeat_at).total_seconds()))
        return f"pid {self.pid} on {self.host} (instance {self.instance[:8]}, seen {age} s ago)"


def this_process(now: datetime) -> Holder:
    return Holder(uuid.uuid4().hex, socket.gethostname(), os.getpid(), now)


def may_take(current: Holder | None, me: Holder, now: datetime, *, stale: timedelta) -> bool:
    """Whether `me` may hold the lease that `current` holds."""
    if current is None or current.instance == me.instance:
        return True
    if now - current.heartbeat_at >= stale:
        return True
    if current.host == me.host:
        # Same host: the holder is gone if its pid is ours (a container's pid 1, restarted)
        # or no process has it any more.
        return current.pid == me.pid or not _alive(current.pid)
    return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True
