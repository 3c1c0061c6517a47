"""A loop-lag probe: how long the event loop was held while some work ran.

A task sleeps PROBE_EVERY at a time and notes how late the loop woke it. Lateness is
charged to the work less the longest time any thread of this process sat in the kernel's
run queue meanwhile, runnable but given no CPU core: on a machine loaded by other work (CI,
other suites beside ours) the scheduler may keep the loop's thread, or the thread that
holds the interpreter lock, off the CPU, which no code of ours can help. Waiting for the
interpreter lock, for a blocking call or for CPU work on the loop is charged in full.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

MAX_LAG = 0.2  # seconds the event loop may be held (issue 10)
PROBE_EVERY = 0.01


def waits_for_a_core() -> dict[str, float]:
    """Seconds each thread of this process has spent runnable but not running, waiting for
    a CPU core (Linux schedstat, by thread id); empty where the kernel does not say."""
    waits = {}
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return {}
    for task in tasks:
        try:
            with open(f"/proc/self/task/{task}/schedstat") as stat:
                waits[task] = int(stat.read().split()[1]) / 1e9
        except (OSError, ValueError, IndexError):
            continue  # the thread ended meanwhile
    return waits


def longest_wait(before: dict[str, float], after: dict[str, float]) -> float:
    """The longest any one thread waited for a core between two readings."""
    return max((after[t] - before.get(t, after[t]) for t in after), default=0.0)


class LoopLag:
    """The worst lateness seen while watching, and each one over MAX_LAG."""

    def __init__(self) -> None:
        self.worst = 0.0
        self.where = "nothing yet"
        self.worst_raw = 0.0  # run-queue waits included
        self.over: list[str] = []

    @asynccontextmanager
    async def watching(self, stage: str) -> AsyncIterator[None]:
        loop = asyncio.get_running_loop()
        done = asyncio.Event()

        async def probe() -> None:
            while not done.is_set():
                before, queued = loop.time(), waits_for_a_core()
                await asyncio.sleep(PROBE_EVERY)
                raw = loop.time() - before - PROBE_EVERY
                late = raw - longest_wait(queued, waits_for_a_core()) if raw > MAX_LAG / 4 else raw
                self.worst_raw = max(self.worst_raw, raw)
                if late > self.worst:
                    self.worst, self.where = late, stage
                if late > MAX_LAG:
                    self.over.append(
                        f"held {late * 1000:.0f} ms ({raw * 1000:.0f} ms with the machine's"
                        f" run-queue waits) while {stage}"
                    )

        task = asyncio.create_task(probe())
        await asyncio.sleep(0)  # the probe is running before the work starts
        try:
            yield
        finally:
            done.set()
            await task
