"""What the bot's loops last did, recorded as they do it, and judged for /healthz.

Long polling records each getUpdates that succeeded (through `PollRequest`, the
transport long polling uses), the webhook mode its setWebhook and each update, the
scheduler's heartbeat job each tick. `check` adds the outbox and a database ping and
asks bot/core/health.py what is wrong.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from telegram.request import HTTPXRequest, RequestData

from bot.core.health import Observed, problems
from bot.delivery.outbox import Outbox
from bot.errors import StorageError
from storage.ops import OpsRepository

DATABASE_TIMEOUT = 5.0  # seconds a ping may take before the database counts as not answering


class HealthWatch:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.started_at = clock()
        self.webhook = False
        self.polled_at: float | None = None
        self.webhook_set = False
        self.update_at: float | None = None
        self.tick_seconds: float | None = None  # set when the scheduler's jobs are scheduled
        self.ticked_at: float | None = None

    def polled(self) -> None:
        self.polled_at = self.clock()

    def webhook_registered(self) -> None:
        self.webhook_set = True

    def update_arrived(self) -> None:
        self.update_at = self.clock()

    def ticked(self) -> None:
        self.ticked_at = self.clock()

    async def check(self, ops: OpsRepository | None, outbox: Outbox | None) -> list[str]:
        """Why the bot is unhealthy now (empty: healthy)."""
        database: str | None = "not open yet" if ops is None else None
        if ops is not None:
            try:
                async with asyncio.timeout(DATABASE_TIMEOUT):
                    await ops.ping()
            except TimeoutError:
                database = f"no answer within {DATABASE_TIMEOUT:.0f} s"
            except StorageError as exc:
                database = str(exc)
            except Exception as exc:  # a closed or broken connection: not healthy either
                database = f"{type(exc).__name__}: {exc}"
        seen = Observed(
            now=self.clock(),
            started_at=self.started_at,
            webhook=self.webhook,
            polled_at=self.polled_at,
            webhook_set=self.webhook_set,
            tick_seconds=self.tick_seconds,
            ticked_at=self.ticked_at,
            outbox_held=outbox.held_for() if outbox is not None else 0.0,
            database=database,
        )
        return problems(seen)

    def ages(self) -> dict[str, float | None]:
        """Seconds since each loop last showed life, for /healthz's body."""
        now = self.clock()

        def age(at: float | None) -> float | None:
            return None if at is None else round(now - at, 1)

        return {
            "get_updates": age(self.polled_at),
            "webhook_update": age(self.update_at),
            "scheduler_tick": age(self.ticked_at),
            "uptime": age(self.started_at),
        }


class PollRequest(HTTPXRequest):
    """PTB's long-polling transport (httpx, one connection), telling the watch of each
    getUpdates Telegram answered with 200."""

    def __init__(self, on_success: Callable[[], None], **kwargs: Any) -> None:
        super().__init__(connection_pool_size=1, **kwargs)
        self._on_success = on_success

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = HTTPXRequest.DEFAULT_NONE,
        write_timeout: Any = HTTPXRequest.DEFAULT_NONE,
        connect_timeout: Any = HTTPXRequest.DEFAULT_NONE,
        pool_timeout: Any = HTTPXRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        code, payload = await super().do_request(
            url,
            method,
            request_data,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
        )
        if code == 200 and url.endswith("/getUpdates"):
            self._on_success()
        return code, payload
