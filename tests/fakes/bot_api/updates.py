"""The update queue and long polling, as Telegram does them: a newer getUpdates ends an older
waiting one with 409, ``offset`` confirms earlier updates, and a poll returns as soon as an
update exists."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
from typing import Any

from .protocol import ApiError, JSONDict

WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete"
    " the webhook first"
)
GET_UPDATES_CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance "
    "is running"
)

# Update types Telegram leaves out when allowed_updates is absent or empty.
_OPT_IN_UPDATE_TYPES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class Updates:
    """Updates queued for the bot until a getUpdates offset confirms them."""

    def __init__(self) -> None:
        self._updates: list[JSONDict] = []
        self._update_ids = itertools.count(1)
        self._allowed_updates: list[str] = []
        self._new_update = asyncio.Event()
        self._poll_generation = 0
        self._closing = False
        self.webhook_active = False  # set by the webhook part: getUpdates then answers 409

    def queue(self, payload: JSONDict) -> None:
        """Adds an update (``payload`` is e.g. ``{"message": ...}``) and wakes a waiting poll."""
        self._updates.append({"update_id": next(self._update_ids), **payload})
        self._wake_pollers()

    def open(self) -> None:
        self._closing = False

    def close(self) -> None:
        """Releases pending long polls, so a server shutdown doesn't wait for their timeout."""
        self._closing = True
        self._wake_pollers()

    def _wake_pollers(self) -> None:
        event, self._new_update = self._new_update, asyncio.Event()
        event.set()

    # ==== Bot API methods ========================================================================

    # ==== for the webhook part ===================================================================

    def pending(self) -> int:
        self._drop_unwanted_updates()
        return len(self._updates)

    def drop_all(self) -> None:
        self._updates.clear()

    def allow(self, allowed: list[str]) -> None:
        self._allowed_updates = allowed

    def confirm_one(self, update_id: int) -> None:
        self._updates = [u for u in self._updates if u["update_id"] != update_id]

    async def next_for_webhook(self) -> JSONDict:
        """The oldest wanted update, waiting for one; it stays queued until confirmed."""
        while True:
            self._drop_unwanted_updates()
            if self._updates:
                return copy.deepcopy(self._updates[0])
            await self._new_update.wait()

    async def get_updates(self, params: JSONDict) -> list[JSONDict]:
        if self.webhook_active:
            raise ApiError(409, WEBHOOK_CONFLICT)
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = max(float(params.get("timeout") or 0), 0.0)
        allowed = params.get("allowed_updates")
        if allowed is not None:
            if not isinstance(allowed, list) or not all(isinstance(t, str) for t in allowed):
                raise ApiError(400, "Bad Request: can't parse allowed_updates JSON object")
            self._allowed_updates = allowed

        self._poll_generation += 1
        generation = self._poll_generation
        self._wake_pollers()
        self._confirm(params.get("offset"))

        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if generation != self._poll_generation:
                raise ApiError(409, GET_UPDATES_CONFLICT)
            self._drop_unwanted_updates()
            if self._updates or self._closing:
                return copy.deepcopy(self._updates[:limit])
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            event = self._new_update
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    def _confirm(self, offset: Any) -> None:
        if not isinstance(offset, int) or offset == 0:
            return
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        else:
            self._updates = self._updates[offset:]

    def _drop_unwanted_updates(self) -> None:
        allowed = set(self._allowed_updates)

        def wanted(update: JSONDict) -> bool:
            kind = next(key for key in update if key != "update_id")
            return kind in allowed if allowed else kind not in _OPT_IN_UPDATE_TYPES

        self._updates = [u for u in self._updates if wanted(u)]
